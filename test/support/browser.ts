/**
 * Headless Chromium for the console's tests: Debian's `chromium` (installed by .ci/run; no browser
 * download is possible here) driven by playwright-core. Playwright gives each launch a fresh
 * --user-data-dir of its own; the flags keep Chromium off the network it would otherwise call home to.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where the screenshots go: docs/console (the README's) with `npm run console:screenshots`, which sets
 * CONSOLE_SCREENSHOTS; otherwise a temp folder, so a test run leaves the committed images alone.
 */
export const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS ? resolve(process.env.CONSOLE_SCREENSHOTS) : join(tmpdir(), 'afdp-console-screenshots');

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface WatchedPage {
  page: Page;
  /** console errors, uncaught exceptions and CSP violations the page reported */
  problems: string[];
}

/** A page in a fresh context (its own localStorage), collecting what went wrong in it. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<WatchedPage & { context: BrowserContext }> {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  // an API's 4xx answer (a refused credential, say) is shown on the page; Chromium also logs it
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  // confirm() before revoking or rotating: yes
  page.on('dialog', (d) => void d.accept());
  return { context, page, problems };
}

/** Saves a screenshot (SCREENSHOTS/NAME.png). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
