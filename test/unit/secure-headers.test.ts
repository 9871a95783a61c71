import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerSecureHeaders } from '../../src/api/rest/auth/secure-headers.js';

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
});
