/**
 * Issue #16, point 8: with authentication off, GET /api/v1/audit, POST /api/v1/keys/rotate and
 * /api/v1/auth/api-keys answered a bare 401 and the README said neither why nor how to use them.
 * Now the 401 names NOTARY_ADMIN_TOKEN, and the README's commands, run as written, work.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const readme = readFileSync(join(resolve(import.meta.dirname, '../..'), 'README.md'), 'utf8');
const TOKEN = 'auth-off-admin-token-0123456789abcdef';
const ADMIN_ROUTES = [
  ['GET', '/api/v1/audit'],
  ['POST', '/api/v1/keys/rotate'],
  ['POST', '/api/v1/auth/api-keys'],
  ['GET', '/api/v1/auth/api-keys'],
] as const;

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The curl commands of the README's shell block that sets NOTARY_ADMIN_TOKEN, as requests. */
function readmeAdminCommands(): Curl[] {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('export NOTARY_ADMIN_TOKEN='));
  if (!block) return [];
  return block
    .split('\n')
    .filter((l) => l.startsWith('curl '))
    .map((line) => {
      const command = line.split(' | ')[0]!.replaceAll('$NOTARY_ADMIN_TOKEN', TOKEN);
      const words = [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
      const curl: Curl = { method: 'GET', url: '', headers: {} };
      for (let i = 1; i < words.length; i++) {
        const w = words[i]!;
        if (w === '-s') continue;
        if (w === '-X') curl.method = words[++i]!;
        else if (w === '-H') {
          const [name, ...value] = words[++i]!.split(':');
          curl.headers[name!.trim().toLowerCase()] = value.join(':').trim();
        } else if (w === '-d') curl.body = words[++i]!;
        else curl.url = w.replace(/^localhost:3030/, '');
      }
      return curl;
    });
}

describe('with authentication off, the admin and audit routes (issue #16, point 8)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NOTARY_ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => app?.close());

  it('answer an anonymous caller 401 unauthenticated, naming NOTARY_ADMIN_TOKEN; the open routes stay open', async () => {
    expect(app.config.auth.mode).toBe('off');
    for (const [method, url] of ADMIN_ROUTES) {
      const res = await app.rest.inject({
        method,
        url,
        ...(method === 'POST' && url.endsWith('api-keys') ? { payload: { name: 'x', roles: ['ai_engineer'] } } : {}),
      });
      expect({ url, method, status: res.statusCode, code: res.json().code }).toEqual({ url, method, status: 401, code: 'unauthenticated' });
      expect(res.json().detail).toContain('NOTARY_ADMIN_TOKEN');
    }
    expect((await app.rest.inject('/api/v1/workflows')).statusCode).toBe(200);
  });

  it("work with the README's commands as written, and the README says why they need it", async () => {
    const commands = readmeAdminCommands();
    expect(commands.map((c) => `${c.method} ${c.url.split('?')[0]}`).sort()).toEqual(ADMIN_ROUTES.map(([m, u]) => `${m} ${u}`).sort());
    for (const c of commands) {
      const res = await app.rest.inject({
        method: c.method as 'GET' | 'POST',
        url: c.url,
        headers: c.headers,
        ...(c.body ? { payload: c.body } : {}),
      });
      expect({ command: `${c.method} ${c.url}`, status: res.statusCode }).toEqual({
        command: `${c.method} ${c.url}`,
        status: c.method === 'POST' && c.url.endsWith('api-keys') ? 201 : 200,
      });
    }
    // the rotation and the key creation were audited under the bootstrap principal, and audit reads show them
    // (those rows are written once the answer is sent: wait for them)
    let events: string[] = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const audit = await app.rest.inject({
        url: '/api/v1/audit?principal=admin_token:bootstrap',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      events = (audit.json() as { entries: { event: string }[] }).entries.map((e) => e.event);
      if (events.includes('key.rotated') && events.includes('api_key.created')) break;
    }
    expect(events).toEqual(expect.arrayContaining(['key.rotated', 'api_key.created']));
    const section = readme.slice(readme.indexOf('#### With authentication off'), readme.indexOf('#### The audit trail'));
    for (const [, url] of ADMIN_ROUTES) expect(section).toContain(url);
    expect(section).toMatch(/401/);
  });
});
