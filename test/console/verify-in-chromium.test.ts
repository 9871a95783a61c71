/**
 * The console's verifier as shipped (the Vite bundle, WebCrypto in Chromium) and the offline CLI
 * (`afdp-notary verify --json`, node:crypto) give the same verdict, check by check and reason by
 * reason, on a genuine receipt and on each kind of forgery; the RFC 3161 timestamp is the one check
 * the page leaves to the CLI and says so (test/support/browser-verdict.ts). The trust roots are
 * pinned by pasting them into the page; the page says which key and log it trusted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { BROWSER_TESTS_NOTE, launchBrowser, openPage, SKIP_BROWSER_TESTS, type WatchedPage } from '../support/browser.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { expectAgreement, withoutTimestampAuthorities, type Verdict } from '../support/browser-verdict.js';
import { FORGERIES } from '../support/receipt-forgeries.js';
import { fixtures, uniquePackage } from '../support/records.js';

type Obj = Record<string, any>;

/** The CLI as a user runs it, on files: its --json output. */
async function cliVerify(pkg: Obj, receipt: Obj, trust: Obj): Promise<Verdict> {
  const dir = tempDir('console-cli-');
  const file = (name: string, v: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(v));
    return p;
  };
  const out: string[] = [];
  const code = await run(
    ['verify', '--evidence', file('e.json', pkg), '--receipt', file('r.json', receipt), '--trust-root', file('t.json', trust), '--json'],
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  expect(code, out.join('\n')).toBeLessThan(2);
  return JSON.parse(out.join('\n')) as Verdict;
}

describe.skipIf(SKIP_BROWSER_TESTS)(`the console's verifier in Chromium agrees with the offline CLI${BROWSER_TESTS_NOTE}`, () => {
  let app: TestApp;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;
  let base: string;
  let pkg: Obj;
  let receipt: Obj;
  const trust: { own?: Obj; other?: Obj } = {};
  let pinned: 'own' | 'other' | undefined;

  beforeAll(async () => {
    let other: TestApp;
    [app, other, browser] = await Promise.all([startTestApp({ LOG_LEVEL: 'warn' }), startTestApp({ LOG_LEVEL: 'warn' }), launchBrowser()]);
    for (const p of Object.values(fixtures())) await sign(app.rest, p); // proofs with sibling hashes
    pkg = uniquePackage('chromium-parity');
    receipt = (await sign(app.rest, pkg)).body.receipt;
    trust.own = (await app.rest.inject('/api/v1/trust-root')).json();
    trust.other = (await other.rest.inject('/api/v1/trust-root')).json();
    await other.close();
    base = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    w = await openPage(browser);
    page = w.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Pins a trust root the way a user pastes one obtained out of band. */
  async function pin(which: 'own' | 'other') {
    if (pinned === which) return;
    await page.goto(`${base}/console/#/verify`);
    await page.getByRole('button', { name: /^(Pin|Replace) (a|the) trust root$/ }).click();
    await page.getByLabel('Trust root JSON (GET /api/v1/trust-root)').fill(JSON.stringify(trust[which]));
    await page.getByRole('button', { name: 'Pin pasted JSON' }).click();
    await page.getByTestId('fingerprint').waitFor();
    pinned = which;
  }

  /** Pastes the package and receipt into a fresh Verify page and reads the verdict it shows. */
  async function browserVerify(p: Obj, r: Obj): Promise<Verdict & { trusted: string }> {
    await page.goto(`${base}/console/#/verify`);
    await page.reload(); // no result left over from the case before
    await page.getByLabel('Evidence package (JSON)', { exact: true }).fill(JSON.stringify(p));
    await page.getByLabel('Receipt (JSON: a receipt or a sign response)', { exact: true }).fill(JSON.stringify(r));
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const checks = page.getByRole('list', { name: 'Checks' });
    await checks.waitFor();
    const verdict = page.getByText(/^(Valid: every check passed|Not valid: )/);
    return {
      ok: (await verdict.textContent())!.startsWith('Valid'),
      checks: await checks.locator('li').evaluateAll((lis) =>
        lis.map((li) => ({
          check: li.getAttribute('data-check')!,
          status: li.getAttribute('data-status')!,
          detail: li.querySelector('.detail')!.textContent!,
        })),
      ),
      warnings: await page.getByRole('list', { name: 'Warnings' }).locator('li').allTextContents(),
      trusted: (await page.locator('.trusted').textContent())!,
    };
  }

  it('pins a pasted trust root and shows its fingerprint', async () => {
    await pin('own');
    expect(await page.getByTestId('fingerprint').textContent()).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    const facts = (await page.locator('.trust dl').textContent())!;
    expect(facts).toContain(`${trust.own!.signing_keys[0].key_id} v1`);
    expect(facts).toContain('from pasted');
  });

  it.each(FORGERIES.map((f) => [f.name, f] as const))(
    '%s: the page shows the checks, statuses, reasons and verdict the CLI prints',
    async (_name, f) => {
      const which = f.otherTrustRoot ? 'other' : 'own';
      await pin(which);
      const { pkg: p, receipt: r } = f.make(pkg, receipt);
      const [cli, cliWithoutTsa, shown] = await Promise.all([
        cliVerify(p, r, trust[which]!),
        cliVerify(p, r, withoutTimestampAuthorities(trust[which]!)),
        browserVerify(p, r),
      ]);
      expectAgreement(f, r, shown, cli, cliWithoutTsa);
      // what it did not check is said next to the verdict
      if (r.rfc3161_timestamp) expect(shown.trusted).toContain('Not checked here: RFC 3161 timestamp.');
      // the page says what it trusted: the pinned root's log, and its key for the receipt's version if it has one
      const t = trust[which]!;
      expect(shown.trusted).toContain(t.transparency_log.origin);
      expect(shown.trusted).toContain(t.transparency_log.log_id.slice(0, 16));
      const key = (t.signing_keys as Obj[]).find((k) => k.version === r.key_version);
      expect(shown.trusted).toContain(key ? `${key.key_id} v${key.version}` : "none (the receipt's version is not pinned)");
    },
  );

  it('reported no script error and no CSP violation', () => {
    expect(w.problems).toEqual([]);
  });
});
