/**
 * The log page as a personal witness against a log that forks (test/support/forking-log-server.ts):
 * an honest extension passes its consistency proof; a rewritten history, a rollback and a second
 * root at the same size each raise the alarm, which stays until the user clears it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TESTS_NOTE, launchBrowser, openPage, screenshot, SKIP_BROWSER_TESTS } from '../support/browser.js';
import { startForkingLogServer, type ForkingLogServer } from '../support/forking-log-server.js';

const leaves = (n: number, tag = 'entry') => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe.skipIf(SKIP_BROWSER_TESTS)(`the log page against a forking log${BROWSER_TESTS_NOTE}`, () => {
  let server: ForkingLogServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startForkingLogServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A browser profile of its own that pinned this log's trust root and saw `first` leaves. */
  async function witnessOf(first: string[]): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    server.setLeaves(first);
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${server.url}/console/#/log`);
    await page.getByRole('button', { name: 'Pin a trust root' }).click();
    await page.getByRole('button', { name: /Fetch this server's/ }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'First visit' }).count()).toBe(1);
    expect(await page.getByTestId('tree-size').textContent()).toBe(String(first.length));
    return { page, problems, close: () => context.close() };
  }
  const alarm = (page: Page) => page.getByTestId('fork-alarm');

  it('an honest extension: consistent, no alarm', async () => {
    const w = await witnessOf(leaves(5));
    server.setLeaves(leaves(9));
    await w.page.reload();
    await expect
      .poll(() => w.page.getByRole('status').filter({ hasText: 'Consistent' }).textContent())
      .toContain('grew from 5 to 9 entries');
    expect(await alarm(w.page).count()).toBe(0);
    expect(w.problems).toEqual([]);
    await w.close();
  });

  it('a rewritten history (entry 2 replaced, then grown): a loud alarm that survives the log turning honest again', async () => {
    const w = await witnessOf(leaves(5));
    const forked = leaves(7);
    forked[2] = 'entry-2-rewritten';
    server.setLeaves(forked);
    await w.page.reload();
    await alarm(w.page).waitFor();
    expect(await alarm(w.page).getByRole('heading').textContent()).toBe(
      'Warning: this log is not an extension of what this browser saw before',
    );
    expect(await alarm(w.page).textContent()).toContain(
      'the tree of size 7 is not an extension of the tree of size 5 this browser saw (consistency proof fails)',
    );
    expect(await w.page.getByTestId('tree-size').count()).toBe(0); // the forked tree is not shown as the log's state
    await screenshot(w.page, 'log-fork');
    // the evidence stays: the next visit still shows it, even if the log now serves the first history
    server.setLeaves(leaves(9));
    await w.page.reload();
    await alarm(w.page).waitFor();
    await w.page.getByRole('button', { name: 'I have reported it: clear this warning' }).click();
    expect(await alarm(w.page).count()).toBe(0);
    await w.close();
  });

  it('a rollback to fewer entries, and a second root at the same size: each an alarm', async () => {
    const w = await witnessOf(leaves(6));
    server.setLeaves(leaves(4));
    await w.page.reload();
    await expect.poll(() => alarm(w.page).textContent()).toContain('the log shrank from 6 to 4 entries');
    await w.page.getByRole('button', { name: 'I have reported it: clear this warning' }).click();
    server.setLeaves(leaves(6, 'other'));
    await w.page.reload();
    await expect.poll(() => alarm(w.page).textContent()).toMatch(/at size 6 the root hash changed from [0-9a-f]{64} to [0-9a-f]{64}/);
    await w.close();
  });
});
