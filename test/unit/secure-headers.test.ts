import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Fastify from 'fastify';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { recordSecureHeaders, registerSecureHeaders, SECURE_HEADERS } from '../../src/api/rest/auth/secure-headers.js';

/** What @fastify/helmet 13 sent with the same options before the middleware was built once: name, value and order. */
const EXPECTED: [string, string][] = [
  ['content-security-policy', "default-src 'none';frame-ancestors 'none'"],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-frame-options', 'SAMEORIGIN'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
];

describe('secure headers', () => {
  it('sends the same headers on every response: a route, a 404 and a failed handler, request after request', async () => {
    const app = Fastify();
    registerSecureHeaders(app);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    for (let round = 0; round < 2; round++) {
      for (const [url, status] of [
        ['/ok', 200],
        ['/missing', 404],
        ['/boom', 500],
      ] as const) {
        const res = await app.inject(url);
        expect(res.statusCode).toBe(status);
        const names = new Set(EXPECTED.map(([name]) => name));
        expect(Object.entries(res.headers).filter(([name]) => names.has(name))).toEqual(EXPECTED);
      }
    }
    await app.close();
  });

  it('replays on a response exactly what running helmet with the same options does to one (recorded once at start)', () => {
    const fresh = () => {
      const res = new ServerResponse(new IncomingMessage(new Socket()));
      res.setHeader('X-Powered-By', 'something'); // helmet removes it: the replay must too
      return res;
    };
    const byHelmet = fresh();
    helmet(SECURE_HEADERS)(byHelmet.req, byHelmet, () => {});
    const replayed = fresh();
    for (const op of recordSecureHeaders()) {
      if (op.length === 2) replayed.setHeader(op[0], op[1]);
      else replayed.removeHeader(op[0]);
    }
    expect(replayed.getHeaderNames()).toEqual(byHelmet.getHeaderNames());
    expect(replayed.getHeaders()).toEqual(byHelmet.getHeaders());
    expect(replayed.hasHeader('x-powered-by')).toBe(false);
  });
});
