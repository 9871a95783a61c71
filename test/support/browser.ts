/**
 * Headless Chromium for the console's tests: Debian's `chromium` (installed by .ci/run; no browser
 * download is possible here) driven by playwright-core. Playwright gives each launch a fresh
 * --user-data-dir of its own; the flags keep Chromium off the network it would otherwise call home to.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The browser tests run wherever Chromium is, and always in CI (CI=true): there a missing Chromium
 * fails them loudly (launchBrowser throws) instead of skipping them. A developer machine without
 * Chromium skips them, with the reason in the test name.
 */
export const SKIP_BROWSER_TESTS = !existsSync(CHROMIUM) && process.env.CI !== 'true';
export const BROWSER_TESTS_NOTE = SKIP_BROWSER_TESTS ? ` (skipped: no Chromium at ${CHROMIUM}; CI=true runs them)` : '';
/**
 * Where the screenshots go: docs/console (the README's) with `npm run console:screenshots`, which sets
 * CONSOLE_SCREENSHOTS; otherwise a temp folder, so a test run leaves the committed images alone.
 */
export const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS
  ? resolve(process.env.CONSOLE_SCREENSHOTS)
  : join(tmpdir(), 'afdp-console-screenshots');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface WatchedPage {
  page: Page;
  /** console errors, uncaught exceptions and CSP violations the page reported */
  problems: string[];
  /** every URL the page asked for (documents, scripts, styles, API calls), in order */
  requests: string[];
}

/** A page in a fresh context (its own localStorage), collecting what went wrong in it. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<WatchedPage & { context: BrowserContext }> {
  // UTC, so that the tests can type times into datetime-local fields
  const context = await browser.newContext({ viewport, colorScheme: 'light', timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  // an API's 4xx answer (a refused credential, say) is shown on the page; Chromium also logs it
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  // confirm() before revoking or rotating: yes
  page.on('dialog', (d) => void d.accept());
  return { context, page, problems, requests };
}

/** Saves a screenshot (SCREENSHOTS/NAME.png). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
