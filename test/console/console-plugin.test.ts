/** The plugin that serves the console's files: caching, headers, and what it says when there is no build. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, registerConsole } from '../../src/api/rest/console/plugin.js';
import { registerErrorHandling } from '../../src/api/rest/problem.js';
import { tempDir } from '../support/databases.js';

async function serve(dir: string) {
  const app = Fastify();
  registerErrorHandling(app, 1024);
  await registerConsole(app, { dir });
  await app.ready();
  return app;
}

describe('the console plugin', () => {
  it('serves the page revalidated, hashed assets as immutable, each with the console CSP', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>c</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};');
    const app = await serve(dir);
    const page = await app.inject('/console/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const asset = await app.inject('/console/assets/index-abc123.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toContain('javascript');
    expect((await app.inject('/console/../package.json')).statusCode).toBe(404);
    expect((await app.inject('/console/nope.js')).statusCode).toBe(404);
    await app.close();
  });

  it('answers 503 problem+json naming the fix when the console was never built', async () => {
    const app = await serve(tempDir());
    const res = await app.inject('/console/');
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('unavailable');
    expect((await app.inject('/console')).headers.location).toBe('/console/');
    await app.close();
  });
});
