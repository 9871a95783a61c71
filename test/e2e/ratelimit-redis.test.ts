import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer } from '../support/auth.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const ADMIN = 'rate-limit-admin-token';
const LIMIT = { NOTARY_RATE_LIMIT_MAX: '5', NOTARY_RATE_LIMIT_WINDOW_MS: '60000', NOTARY_ADMIN_TOKEN: ADMIN };
const get = (app: TestApp, headers: Record<string, string> = {}, url = '/api/v1/workflows') => app.rest.inject({ url, headers });

// started at import so `skipIf` below can see whether Redis exists; in CI a missing redis-server throws here (fails, never skips)
const redis: RedisServer | undefined = await startRedis();

describe.skipIf(!redis)('rate limits shared through Redis by two service instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ ...LIMIT, REDIS_URL: redis!.url });
    b = await startTestApp({ ...LIMIT, REDIS_URL: redis!.url });
    // until connected, the limiter lets requests through (by design): wait for both, even on a loaded machine
    for (const deadline = Date.now() + 15_000; ![a, b].every((app) => app.logLines.some((l) => l.includes('redis connected')));) {
      if (Date.now() > deadline) throw new Error('the service instances did not connect to Redis');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('spends one budget per principal across both instances, then answers 429 problem+json with Retry-After', async () => {
    const admin = bearer(ADMIN);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(i % 2 ? a : b, admin)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    for (const app of [a, b]) {
      const res = await get(app, admin);
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(1); // the window's real remainder, not a default
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  });

  it('keeps a separate budget for another principal (anonymous callers are keyed by IP)', async () => {
    expect((await get(a)).statusCode).toBe(200);
    expect((await get(b)).statusCode).toBe(200);
  });

  it('never throttles the probes', async () => {
    for (let i = 0; i < 8; i++) expect((await get(a, {}, '/ready')).statusCode).toBe(200);
  });
});

describe('rate limits without Redis', () => {
  it('are per instance, in memory', async () => {
    const [a, b] = [await startTestApp({ ...LIMIT, NOTARY_RATE_LIMIT_MAX: '2' }), await startTestApp({ ...LIMIT, NOTARY_RATE_LIMIT_MAX: '2' })];
    try {
      expect([(await get(a)).statusCode, (await get(a)).statusCode, (await get(a)).statusCode]).toEqual([200, 200, 429]);
      expect((await get(b)).statusCode).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('let requests through when the configured Redis is down (throttling is not access control)', async () => {
    const app = await startTestApp({ ...LIMIT, NOTARY_RATE_LIMIT_MAX: '1', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i++) expect((await get(app)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
