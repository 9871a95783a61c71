/**
 * The audit console in headless Chromium against the real service (auth required): sign → find →
 * verify in the browser; a tampered package names the failing checks; find by every filter with
 * keyset paging; an analyst (OIDC bearer) approves and the workflow completes, or rejects; admin
 * pages; the log page as a personal witness; strict CSP, nothing fetched from elsewhere, and the
 * credential kept in the tab only. One browser for the file; screenshots of each page go to
 * docs/console/ for the README.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/api/rest/console/plugin.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createApiKey } from '../support/auth.js';
import { BROWSER_TESTS_NOTE, launchBrowser, openPage, screenshot, SKIP_BROWSER_TESTS, type WatchedPage } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/databases.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { uniquePackage } from '../support/records.js';

const ADMIN_TOKEN = 'console-test-admin-token-3f9a';

describe.skipIf(SKIP_BROWSER_TESTS)(`the audit console${BROWSER_TESTS_NOTE}`, () => {
  let app: TestApp;
  let issuer: OidcIssuer;
  let browser: Browser;
  let base: string;
  let engineer: { key: string; id: string };
  let w: WatchedPage & { context: import('playwright-core').BrowserContext };
  let page: Page;
  let databaseUrl: string;
  /** every credential typed into the console in this file, to look for where it must never be */
  const typed: string[] = [ADMIN_TOKEN];

  const sign = async (pkg: object) => {
    const res = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      headers: { 'x-api-key': engineer.key },
      payload: { evidence_package: pkg },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { workflow_id: string; receipt: { evidence_package_hash: string; key_version: number } };
  };
  const signIn = async (token: string) => {
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    typed.push(token);
    await page.getByLabel('API key or bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    [app, browser] = await Promise.all([
      freshPostgresDatabase().then((db) =>
        startTestApp({
          DATABASE_URL: (databaseUrl = db),
          NOTARY_AUTH_MODE: 'required',
          NOTARY_ADMIN_TOKEN: ADMIN_TOKEN,
          LOG_LEVEL: 'warn',
          NOTARY_OIDC_ISSUER: issuer.issuer,
          NOTARY_OIDC_AUDIENCE: issuer.audience,
          NOTARY_OIDC_JWKS_URL: issuer.jwksUrl,
        }),
      ),
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
    const statuses = await checks
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')]));
    expect(Object.fromEntries(statuses)).toEqual({
      'evidence hash': 'pass',
      signature: 'pass',
      'log entry body': 'pass',
      SET: 'pass',
      'inclusion proof': 'pass',
      checkpoint: 'pass',
      // the receipt's RFC 3161 timestamp is left to the CLI, and the page says so
      'RFC 3161 timestamp': 'skip',
      'key validity': 'pass',
      timestamp: 'pass',
      bundle: 'pass',
    });
    expect(await checks.locator('li[data-check="RFC 3161 timestamp"] .detail').textContent()).toMatch(/^not checked in this browser/);
    // every row on screen, the skipped one too (a class it once shared with the skip link hid it)
    const boxes = await checks.locator('li').evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect()));
    for (const b of boxes) expect(b.left).toBeGreaterThanOrEqual(0);
    expect(await page.getByRole('status').filter({ hasText: 'Valid: every check passed' }).count()).toBe(1);
    // the page says what it trusted: the key that signed, the log, the pinned root
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    const trusted = await page.locator('.trusted').textContent();
    expect(trusted).toContain(`${trust.signing_keys[0].key_id} v${signed.receipt.key_version}`);
    expect(trusted).toContain(trust.transparency_log.log_id.slice(0, 16));
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

  it('find: evidence by event type with keyset paging, by artifact hash and by time stored; workflows by status', async () => {
    const tag = `console-paging-${Date.now()}`;
    const minute = (d: Date) => d.toISOString().slice(0, 16); // datetime-local, in the page's UTC
    const before = new Date(Date.now() - 60_000);
    const artifact = randomBytes(32).toString('hex');
    const hashes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const pkg = uniquePackage(`${tag}-${i}`);
      const artifacts =
        i === 7 ? [...pkg.artifacts, { name: 'only-here.bin', uri: 's3://x/only-here.bin', hash_sha256: artifact }] : pkg.artifacts;
      hashes.push((await sign({ ...pkg, event_type: `ai.${tag}`, artifacts })).receipt.evidence_package_hash);
    }
    const after = new Date(Date.now() + 120_000);
    await page.goto(`${base}/console/#/find`);
    await signIn(engineer.key);
    const table = page.getByRole('table', { name: 'Evidence found' });
    const shown = () => table.locator('tbody tr code').evaluateAll((cs) => cs.map((c) => c.getAttribute('title')!));
    const pageNo = page.getByRole('navigation', { name: 'Pages' }).locator('[aria-live]');
    // event type: 12 matches, 10 a page; page 2 holds the rest, and going back shows page 1 again
    await page.getByLabel('Event type').fill(`ai.${tag}`);
    await page.getByRole('button', { name: 'Search evidence' }).click();
    await expect.poll(shown).toHaveLength(10);
    const first = await shown();
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => pageNo.textContent()).toBe('Page 2');
    await expect.poll(shown).toHaveLength(2);
    const second = await shown();
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect([...first, ...second].sort()).toEqual([...hashes].sort()); // each once, newest first across pages
    expect(first).toEqual(hashes.slice(2).reverse());
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => pageNo.textContent()).toBe('Page 1');
    await expect.poll(shown).toEqual(first);
    // time stored: a window around the signing finds them; one that starts after it finds none
    await page.getByLabel('Stored from').fill(minute(before));
    await page.getByLabel('Stored before').fill(minute(after));
    await page.getByRole('button', { name: 'Search evidence' }).click();
    await expect.poll(shown).toEqual(first);
    await page.getByLabel('Stored from').fill(minute(after));
    await page.getByRole('button', { name: 'Search evidence' }).click();
    await page.getByText('No evidence matches.').waitFor();
    await page.getByLabel('Stored from').fill('');
    await page.getByLabel('Stored before').fill('');
    // artifact hash: only the package that lists it (in capitals, as some tools print hashes)
    await page.getByLabel('Event type').fill('');
    await page.getByLabel('Artifact hash (SHA-256 hex)').fill(artifact.toUpperCase());
    await page.getByRole('button', { name: 'Search evidence' }).click();
    await expect.poll(shown).toEqual([hashes[7]]);
    // workflows by status: a pending approval is listed under pending and not under completed
    const pendingEvent = `ai.${tag}.awaiting`;
    const requested = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign/approval',
      headers: { 'x-api-key': engineer.key },
      payload: { evidence_package: { ...uniquePackage(`${tag}-wf`), event_type: pendingEvent }, approvers: ['jwt:nobody'], quorum: 1 },
    });
    expect(requested.statusCode, requested.body).toBe(200);
    await page.getByRole('button', { name: 'Workflows' }).click();
    const workflows = page.getByRole('table', { name: 'Workflows found' });
    const rows = () =>
      workflows.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    for (const status of ['pending', 'completed']) {
      await page.getByLabel('Status').selectOption(status);
      await page.getByRole('button', { name: 'Search workflows' }).click();
      await expect.poll(async () => (await rows()).length > 0 && (await rows()).every((r) => r[2] === status)).toBe(true);
      expect(
        (await rows()).some((r) => r[3] === pendingEvent),
        status,
      ).toBe(status === 'pending');
    }
  });

  it('an analyst signed in with an OIDC bearer token sees the approval waiting for them and approves it: the workflow completes', async () => {
    const analystToken = await issuer.token({ sub: 'sam', name: 'Sam Analyst', roles: ['security_analyst'] });
    const pkg = uniquePackage('console-approval');
    const requested = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign/approval',
      headers: { 'x-api-key': engineer.key },
      payload: { evidence_package: pkg, approvers: ['jwt:sam', 'jwt:someone-else'], quorum: 1 },
    });
    expect(requested.statusCode, requested.body).toBe(200);
    const workflowId = requested.json().workflow_id as string;
    await page.goto(`${base}/console/#/approve`);
    await signIn(analystToken);
    const card = page.locator(`article[data-workflow="${workflowId}"]`);
    await card.waitFor();
    expect(await card.getByRole('table', { name: 'Approvers' }).textContent()).toContain('jwt:someone-else');
    await card.getByText('The evidence package').click();
    expect(await card.getByLabel('Evidence package awaiting approval').textContent()).toContain('"test_run": "console-approval"');
    await card.getByLabel('Comment').fill('model card and eval report reviewed');
    await screenshot(page, 'approve');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => card.getByRole('status').textContent()).toContain('Approved: the workflow is now completed.');
    const status = await app.rest.inject({ url: `/api/v1/workflows/${workflowId}/status`, headers: { 'x-api-key': engineer.key } });
    expect(status.json()).toMatchObject({
      status: 'completed',
      approval_statuses: [
        { approver: 'jwt:sam', status: 'approved', comment: 'model card and eval report reviewed' },
        { approver: 'jwt:someone-else', status: 'pending' },
      ],
    });
    // the completed workflow's receipt verifies in the browser too
    await card.getByRole('link', { name: 'Verify its receipt' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Valid: every check passed' }).count()).toBe(1);
  });

  it('an analyst rejects with a comment: the workflow fails and the comment is recorded', async () => {
    const pkg = uniquePackage('console-rejection');
    const requested = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign/approval',
      headers: { 'x-api-key': engineer.key },
      payload: { evidence_package: pkg, approvers: ['jwt:sam'], quorum: 1 },
    });
    const workflowId = requested.json().workflow_id as string;
    await page.goto(`${base}/console/#/approve`);
    const card = page.locator(`article[data-workflow="${workflowId}"]`);
    await card.waitFor();
    await card.getByLabel('Comment').fill('eval report missing');
    await card.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => card.getByRole('status').textContent()).toContain('Rejected: the workflow is now failed.');
    const status = await app.rest.inject({ url: `/api/v1/workflows/${workflowId}/status`, headers: { 'x-api-key': engineer.key } });
    expect(status.json()).toMatchObject({
      status: 'failed',
      approval_statuses: [{ approver: 'jwt:sam', status: 'rejected', comment: 'eval report missing' }],
    });
  });

  it('admin: creates and revokes an API key, rotates the signing key, filters the audit trail', async () => {
    await page.goto(`${base}/console/#/admin`);
    await signIn(ADMIN_TOKEN);
    await page.getByLabel('Name').fill('console-made key');
    await page.getByLabel('security_analyst').check();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const key = await page.getByTestId('new-api-key').textContent();
    expect(key).toMatch(/^afdp_/);
    // the key the page showed works, with the roles chosen
    const me = await app.rest.inject({ url: '/api/v1/auth/whoami', headers: { 'x-api-key': key! } });
    expect(me.json()).toMatchObject({ name: 'console-made key', roles: ['ai_engineer', 'security_analyst'] });
    await page.getByRole('button', { name: 'Rotate the signing key' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Signing-key versions' }).getByRole('row').count()).toBe(3);
    await page.getByLabel('Event').fill('api_key.created');
    await page.getByRole('button', { name: 'Filter the audit trail' }).click();
    const audit = page.getByRole('table', { name: 'Audit entries' });
    await expect
      .poll(async () => (await audit.locator('tbody tr').allTextContents()).every((t) => t.includes('api_key.created')))
      .toBe(true);
    expect(await audit.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'admin');
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: 'console-made key' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await app.rest.inject({ url: '/api/v1/auth/whoami', headers: { 'x-api-key': key! } })).statusCode).toBe(401);
  });

  it('the log page: first visit pins the checkpoint; after the log grows it verifies a consistency proof', async () => {
    await page.goto(`${base}/console/#/log`);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'First visit' }).count()).toBe(1);
    const first = Number(await page.getByTestId('tree-size').textContent());
    for (let i = 0; i < 3; i++) await sign(uniquePackage(`console-log-${i}`));
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Consistent' }).textContent())
      .toContain(`grew from ${first} to ${first + 3} entries`);
    await page.locator('figure.chart svg polyline').waitFor();
    expect(await page.getByTestId('fork-alarm').count()).toBe(0);
    await screenshot(page, 'log');
  });

  it('on a phone: nothing overflows the screen width, and the navigation is reachable by keyboard', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    try {
      for (const route of ['find', 'verify', 'approve', 'log', 'admin']) {
        await phone.page.goto(`${base}/console/#/${route}`);
        await phone.page.getByRole('heading', { level: 2 }).first().waitFor();
        const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, route).toBeLessThanOrEqual(0);
      }
      await phone.page.goto(`${base}/console/#/find`);
      await phone.page.keyboard.press('Tab'); // the skip button comes first
      await phone.page.keyboard.press('Tab');
      await phone.page.keyboard.press('Tab');
      await phone.page.keyboard.press('Enter');
      await expect.poll(() => phone.page.evaluate(() => location.hash)).toBe('#/find');
      await screenshot(phone.page, 'find-phone');
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it('the CSP is strict and enforced: an inline script is refused, and nothing is loaded from anywhere but this origin', async () => {
    const directives = new Map(
      CONSOLE_CSP.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k!, v]),
    );
    for (const d of ['script-src', 'style-src', 'connect-src', 'img-src']) expect(directives.get(d), d).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|https?:|data:|\*/);
    const probe = await openPage(browser);
    try {
      await probe.page.goto(`${base}/console/#/find`);
      await probe.page.getByRole('heading', { name: 'Find' }).waitFor();
      // a script injected as text (Trusted Types refuses it before script-src would), inline style, a request elsewhere
      await probe.page.addScriptTag({ content: 'window.__injected = true' }).catch(() => undefined);
      expect(await probe.page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
      const effects = await probe.page.evaluate(
        async (elsewhere) => {
          const style = document.createElement('style');
          style.textContent = 'body { visibility: hidden }';
          document.head.append(style);
          const fetched = await fetch(elsewhere).then(
            () => 'fetched',
            () => 'refused',
          );
          return { visibility: getComputedStyle(document.body).visibility, fetched };
        },
        base.replace('127.0.0.1', 'localhost'),
      );
      expect(effects).toEqual({ visibility: 'visible', fetched: 'refused' });
      const said = probe.problems.join('\n');
      expect(said).toContain("requires 'TrustedScript' assignment");
      expect(said).toContain("Applying inline style violates the following Content Security Policy directive 'style-src 'self''");
      expect(said).toContain(`violates the following Content Security Policy directive: "connect-src 'self'"`);
    } finally {
      await probe.context.close();
    }
    // everything every page of this file asked for came from this process
    expect(w.requests.length).toBeGreaterThan(20);
    expect(w.requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
  });

  it('the credential stays in the tab: no cookie, not in localStorage, not in another tab, and nowhere on the server', async () => {
    expect(await w.context.cookies()).toEqual([]);
    const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    for (const t of typed) expect(local).not.toContain(t);
    // kept for the tab (the default): a reload keeps it, another tab of the same browser does not have it
    await page.goto(`${base}/console/#/find`);
    await signIn(engineer.key);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const tab = await w.context.newPage();
    await tab.goto(`${base}/console/#/find`);
    await tab.getByRole('button', { name: 'Sign in' }).waitFor();
    await tab.close();
    // not kept: memory only, gone with a reload
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Keep for this tab (sessionStorage)').uncheck();
    await page.getByLabel('API key or bearer token').fill(engineer.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // the server keeps no session: the API answers only requests that carry the credential
    expect((await fetch(`${base}/api/v1/auth/whoami`)).status).toBe(401);
    // nor the credential: not in any table, not in the data dir, not in the log
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const tables = (
        await db.query<{ t: string }>(
          "SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
        )
      ).rows;
      expect(tables.length).toBeGreaterThan(3);
      for (const { t } of tables) {
        const rows = (await db.query<{ r: string }>(`SELECT x::text AS r FROM ${t} x`)).rows.map((r) => r.r).join('\n');
        for (const token of typed) expect(rows.includes(token), `${t} holds a credential typed into the console`).toBe(false);
      }
    } finally {
      await db.end();
    }
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const f of files(app.config.dataDir)) {
      const text = readFileSync(f).toString('latin1');
      for (const token of typed) expect(text.includes(token), f).toBe(false);
    }
    for (const token of typed) expect(app.logLines.join('').includes(token)).toBe(false);
  });

  it('reported no script error and no CSP violation on any page', () => {
    expect(w.problems).toEqual([]);
  });
});
