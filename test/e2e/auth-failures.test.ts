/**
 * Attack 2 of issue #16: 1,000 requests with a bogus key gave 1,000 × 401 and 1,001 new audit rows,
 * so an anonymous caller could grow the database without bound. Failures are now throttled per
 * client address (REST and gRPC alike, behind a trusted proxy by X-Forwarded-For) and recorded as one
 * audit row per address and window, with counts.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer } from '../support/auth.js';
import { listenGrpc } from '../support/grpc-app.js';
import { startRedis } from '../support/redis-server.js';

const ADMIN = 'auth-failure-admin-token';
const ATTACKER = '203.0.113.7';
const bogus = (i: number) => ({ 'x-api-key': `afdp_bogus${String(i).padStart(40, '0')}` });

async function auditRows(app: TestApp, query: string) {
  app.security.failureRollup.flush();
  await app.security.audit.flush();
  const res = await app.rest.inject({ url: `/api/v1/audit?${query}&page_size=100`, headers: bearer(ADMIN), remoteAddress: '192.0.2.50' });
  return res.json().entries as { event: string; details: Record<string, unknown> }[];
}

describe('failed authentication from one address', () => {
  let app: TestApp;
  let door: Awaited<ReturnType<typeof listenGrpc>>;
  beforeAll(async () => {
    // the service sits behind a proxy on loopback: X-Forwarded-For names the client, on both doors
    app = await startTestApp({ NOTARY_AUTH_MODE: 'required', NOTARY_ADMIN_TOKEN: ADMIN, NOTARY_TRUST_PROXY: '127.0.0.1' });
    door = await listenGrpc(app);
  });
  afterAll(async () => {
    await door?.close();
    await app?.close();
  });

  it('1,000 bogus keys: 20 × 401, then 429 with Retry-After before any key is looked up, and one audit row with the counts', async () => {
    const before = (await auditRows(app, 'event=auth.failure')).length;
    const statuses = new Map<number, number>();
    let retryAfter: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const res = await app.rest.inject({ url: '/api/v1/workflows', headers: { ...bogus(i), 'x-forwarded-for': ATTACKER } });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 429) retryAfter ??= res.headers['retry-after'] as string;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 980 });
    expect(Number(retryAfter)).toBeGreaterThan(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const rows = await auditRows(app, 'event=auth.failure');
    expect(rows.length - before).toBe(1);
    expect(rows[0]!.details).toMatchObject({
      client: ATTACKER,
      failures: 20,
      throttled: 980,
      reasons: { unknown_key: 20 },
      doors: { rest: 1000 },
    });
  });

  it('the gRPC door shares the throttle: the same address gets RESOURCE_EXHAUSTED even with a valid credential', async () => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${ADMIN}`);
    md.set('x-forwarded-for', ATTACKER);
    const err = (await door.client
      .unary('ListWorkflows', { page_size: 1 }, { metadata: md })
      .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('other addresses are not affected, and a forwarded address counts only from a trusted proxy', async () => {
    const other = await app.rest.inject({ url: '/api/v1/workflows', headers: { ...bogus(1), 'x-forwarded-for': '198.51.100.9' } });
    expect(other.statusCode).toBe(401);
    // not from the trusted proxy: X-Forwarded-For is ignored, the peer's address is the client
    const direct = await app.rest.inject({
      url: '/api/v1/workflows',
      headers: { ...bogus(2), 'x-forwarded-for': ATTACKER },
      remoteAddress: '192.0.2.77',
    });
    expect(direct.statusCode).toBe(401);
    expect((await app.rest.inject({ url: '/api/v1/workflows', headers: bearer(ADMIN), remoteAddress: '192.0.2.77' })).statusCode).toBe(200);
  });

  it('gRPC failures are counted per address too, in the same row shape', async () => {
    const md = new grpc.Metadata();
    md.set('x-api-key', 'afdp_not-a-key-of-this-service');
    md.set('x-forwarded-for', '198.51.100.23');
    for (let i = 0; i < 3; i++) {
      const err = (await door.client
        .unary('ListWorkflows', { page_size: 1 }, { metadata: md })
        .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    }
    const rows = await auditRows(app, 'event=auth.failure');
    expect(rows.find((r) => r.details.client === '198.51.100.23')?.details).toMatchObject({
      failures: 3,
      throttled: 0,
      doors: { grpc: 3 },
    });
  });
});

const redis = await startRedis();
afterAll(async () => redis?.stop());

describe.skipIf(!redis)('failed authentication across replicas (Redis)', () => {
  it('a replica learns the address is blocked from the shared count: at most one failure past the limit each', async () => {
    const env = { NOTARY_AUTH_MODE: 'required', NOTARY_ADMIN_TOKEN: ADMIN, NOTARY_AUTH_FAILURE_MAX: '10', REDIS_URL: redis!.url };
    const [a, b] = [await startTestApp(env), await startTestApp(env)];
    try {
      for (const deadline = Date.now() + 15_000; ![a, b].every((app) => app.logLines.some((l) => l.includes('redis connected')));) {
        if (Date.now() > deadline) throw new Error('the service instances did not connect to Redis');
        await new Promise((r) => setTimeout(r, 50));
      }
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push(
          (await (i % 2 ? a : b).rest.inject({ url: '/api/v1/workflows', headers: bogus(i), remoteAddress: ATTACKER })).statusCode,
        );
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(11);
      expect(statuses.slice(-20).every((s) => s === 429)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
