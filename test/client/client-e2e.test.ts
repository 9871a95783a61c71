/**
 * @afdp-notary/client against a real service process (`node src/main.ts`, embedded PostgreSQL),
 * over REST and gRPC, as an integrator uses it: the package's public entry, not its sources.
 * The service runs with a small per-principal rate limit, so the clients' retries on 429 with
 * Retry-After and RESOURCE_EXHAUSTED with RetryInfo are exercised by the real service's answers.
 */
import { execFile } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  createGrpcClient,
  createRestClient,
  NotaryError,
  parseRetryAfter,
  readTrustRoot,
  retryPolicy,
  verifyReceiptOffline,
  withRetries,
  type EvidencePackageInput,
  type GrpcSignResult,
  type NotaryGrpcClient,
} from '@afdp-notary/client';
import { InterceptingCall, status, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRpcStatus } from '../../src/api/grpc/index.js';
import { seededDataDir } from '../support/databases.js';
import { startService, waitReady, type ServiceProcess } from '../support/service-process.js';
import { uniquePackage } from '../support/records.js';

const RATE = { max: 12, windowMs: 2000 };
let service: ServiceProcess;
let grpc: NotaryGrpcClient;
/** a sign started over gRPC before the service listened: it must succeed through retries */
let earlySign: Promise<GrpcSignResult>;
const earlyPkg = uniquePackage('client-early');

beforeAll(async () => {
  service = await startService({
    NOTARY_DATA_DIR: seededDataDir(),
    NOTARY_RATE_LIMIT_MAX: String(RATE.max),
    NOTARY_RATE_LIMIT_WINDOW_MS: String(RATE.windowMs),
    NOTARY_ANCHOR_RETRY_MS: '100',
  });
  // retries enough to outlast a first start (creating the database) on a loaded machine
  grpc = createGrpcClient({ address: `127.0.0.1:${service.grpcPort}`, retry: { attempts: 120, baseDelayMs: 250, maxDelayMs: 1000 } });
  earlySign = grpc.sign(earlyPkg);
  earlySign.catch(() => undefined);
  await waitReady(service, 90_000);
  // the gRPC port can open after /ready first answers: the early sign's success says it is open
  await earlySign.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await service?.stop();
});

const rest = (options: Partial<Parameters<typeof createRestClient>[0]> = {}) =>
  createRestClient({ url: service.url, retry: { attempts: 8 }, ...options });

describe('the typed client against a running notary', () => {
  it('gRPC: a sign sent while the service was still starting succeeds by retrying UNAVAILABLE', async () => {
    const signed = await earlySign;
    expect(signed.status).toBe('completed');
    expect(signed.receipt.workflow_id).toBe(signed.workflow_id);
    expect((await rest().validate(earlyPkg, signed.receipt)).is_valid).toBe(true);
  }, 60_000);

  it('signs over REST and gRPC: the same package hashes alike, receipts verify offline and online on either door', async () => {
    const trust = readTrustRoot(await rest().trustRoot(), 'trust root');
    // timestamp spellings that a Timestamp cannot carry go verbatim; metadata nests
    for (const timestamp_utc of ['2026-03-01T12:00:00.000Z', '2026-03-01T12:00:00Z', '2026-03-01T13:00:00.123456+01:00']) {
      const pkg: EvidencePackageInput = {
        ...uniquePackage(`client-doors-${timestamp_utc}`),
        timestamp_utc,
        metadata: { run: { attempt: 2, tags: ['a', null, true], ratio: 0.25 } },
      };
      const [viaRest, viaGrpc] = [await rest().sign(pkg), await grpc.sign(pkg)];
      expect(viaGrpc.receipt.evidence_package_hash, timestamp_utc).toBe(viaRest.receipt.evidence_package_hash);
      for (const receipt of [viaRest.receipt, viaGrpc.receipt]) {
        expect((await verifyReceiptOffline(pkg, receipt, trust)).ok).toBe(true);
        expect((await grpc.validate(pkg, receipt)).is_valid).toBe(true);
        expect((await rest().validate(pkg, receipt)).is_valid).toBe(true);
      }
      expect(await grpc.receipt(viaGrpc.workflow_id)).toEqual(await rest().receipt(viaGrpc.workflow_id));
    }
  }, 60_000);

  it('sends an idempotency key by default: the same key replays the first receipt on both doors', async () => {
    const pkg = uniquePackage('client-replay');
    const first = await rest().sign(pkg);
    expect(first.idempotencyKey).toMatch(/^afdp-client-/);
    expect(first.replayed).toBe(false);
    const again = await rest().sign(pkg, { idempotencyKey: first.idempotencyKey });
    expect(again).toMatchObject({ replayed: true, workflow_id: first.workflow_id });
    const viaGrpc = await grpc.sign(pkg, { idempotencyKey: first.idempotencyKey });
    expect(viaGrpc).toMatchObject({ replayed: true, workflow_id: first.workflow_id });
    expect(viaGrpc.receipt.signature_b64).toBe(first.receipt.signature_b64);
    // another package under the key: refused, not retried, typed on both doors
    const other = uniquePackage('client-replay-other');
    await expect(rest().sign(other, { idempotencyKey: first.idempotencyKey })).rejects.toMatchObject({
      kind: 'refused',
      code: 'idempotency_mismatch',
      details: { httpStatus: 422 },
    });
    await expect(grpc.sign(other, { idempotencyKey: first.idempotencyKey })).rejects.toMatchObject({
      kind: 'refused',
      code: 'idempotency_mismatch',
    });
  }, 60_000);

  it('a sign whose answer was lost is retried under its key and signed once', async () => {
    const proxy = await dropFirstAnswer(Number(new URL(service.url).port));
    try {
      const pkg = uniquePackage('client-lost-answer');
      const signed = await rest({ url: proxy.url }).sign(pkg);
      expect(proxy.dropped()).toBe(1);
      // the service had signed the first attempt: the retry got that signature back
      expect(signed.replayed).toBe(true);
      const stored = await evidenceByHash(signed.receipt.evidence_package_hash);
      expect(stored.workflow_ids).toEqual([signed.workflow_id]);
      expect((await rest().receipt(signed.workflow_id)).signature_b64).toBe(signed.receipt.signature_b64);
    } finally {
      proxy.close();
    }
  }, 60_000);

  it('rides out the rate limit: a burst over the budget all signs, after 429s with Retry-After', async () => {
    const statuses: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const client = rest({ fetch: counting, retry: { attempts: 10 } });
    const burst = Array.from({ length: RATE.max * 2 }, (_, i) => uniquePackage(`client-burst-${i}`));
    const results = await Promise.all(burst.map((p) => client.sign(p)));
    expect(new Set(results.map((r) => r.workflow_id)).size).toBe(burst.length);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(burst.length);
  }, 90_000);

  it('rides out the gRPC rate limit: after RESOURCE_EXHAUSTED it waits the RetryInfo delay, then signs', async () => {
    // every attempt as it went over the wire: its idempotency key (one per logical sign), when it
    // was answered, the status and the RetryInfo delay the service sent (decoded by the server's own
    // protobufjs types, not the client's)
    const attempts: { key: string; sentAt: number; answeredAt: number; code: number; retryDelayMs?: number }[] = [];
    const record: Interceptor = (options, next) => {
      let key = '';
      let sentAt = 0;
      return new InterceptingCall(next(options), {
        sendMessage: (message: { idempotency_key?: string }, send) => {
          key = message.idempotency_key ?? '';
          sentAt = Date.now();
          send(message);
        },
        start: (metadata, _listener, start) =>
          start(metadata, {
            onReceiveStatus: (s: StatusObject, receive) => {
              const bin = s.metadata.get('grpc-status-details-bin')[0];
              const retry = Buffer.isBuffer(bin)
                ? (decodeRpcStatus(bin).details.find((d) => d.type === 'google.rpc.RetryInfo') as
                    { retry_delay: { seconds: number; nanos: number } } | undefined)
                : undefined;
              attempts.push({
                key,
                sentAt,
                answeredAt: Date.now(),
                code: s.code,
                retryDelayMs: retry && retry.retry_delay.seconds * 1000 + retry.retry_delay.nanos / 1e6,
              });
              receive(s);
            },
          }),
      });
    };
    const client = createGrpcClient({
      address: `127.0.0.1:${service.grpcPort}`,
      retry: { attempts: 10, baseDelayMs: 1 },
      channelOptions: { interceptors: [record] },
    });
    try {
      const burst = Array.from({ length: RATE.max * 2 }, (_, i) => uniquePackage(`client-grpc-burst-${i}`));
      const results = await Promise.all(burst.map((p) => client.sign(p)));
      expect(results.map((r) => r.status)).toEqual(burst.map(() => 'completed'));
      expect(new Set(results.map((r) => r.workflow_id)).size).toBe(burst.length);

      const refused = attempts.filter((a) => a.code === status.RESOURCE_EXHAUSTED);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        // the delay is the time left in the window, never more than the window
        expect(r.retryDelayMs).toBeGreaterThan(0);
        expect(r.retryDelayMs).toBeLessThanOrEqual(RATE.windowMs);
        // the same sign's next attempt came no sooner than the service asked (baseDelayMs is 1 ms:
        // only RetryInfo can make the client wait this long)
        const next = attempts.find((a) => a.key === r.key && a.sentAt > r.answeredAt);
        expect(next, 'a retry of the refused sign').toBeDefined();
        expect(next!.sentAt - r.answeredAt).toBeGreaterThanOrEqual(r.retryDelayMs! - 1);
      }
      expect(attempts.filter((a) => a.code === status.OK)).toHaveLength(burst.length);
    } finally {
      client.close();
    }
  }, 90_000);

  it('reports the gRPC rate limit once retries run out: unavailable, rate_limited, with the delay the service asked for', async () => {
    const once = createGrpcClient({ address: `127.0.0.1:${service.grpcPort}`, retry: { attempts: 1 } });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: RATE.max * 2 + 1 }, (_, i) => once.sign(uniquePackage(`client-grpc-over-${i}`))),
      );
      const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason as unknown);
      expect(failures.length).toBeGreaterThan(0);
      for (const err of failures) {
        expect(err).toBeInstanceOf(NotaryError);
        expect(err).toMatchObject({ kind: 'unavailable', code: 'rate_limited', details: { grpcCode: status.RESOURCE_EXHAUSTED } });
        const { retryAfterMs } = (err as NotaryError).details;
        expect(retryAfterMs).toBeGreaterThan(0);
        expect(retryAfterMs).toBeLessThanOrEqual(RATE.windowMs);
      }
    } finally {
      once.close();
    }
  }, 60_000);

  it('runs examples/grpc-client.ts: signs over gRPC, verifies offline and online', async () => {
    const root = join(import.meta.dirname, '../..');
    const { code, out } = await new Promise<{ code: number; out: string }>((done) => {
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'examples/grpc-client.ts',
          `127.0.0.1:${service.grpcPort}`,
          join(root, '../shared/fixtures/evidence/gpt-4-finetune-evidence.json'),
          service.url,
        ],
        { cwd: root, timeout: 60_000 },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 99) : 0, out: stdout + stderr }),
      );
    });
    expect(code, out).toBe(0);
    expect(out).toMatch(
      /^workflow [0-9a-f-]{36}: completed\nevidence_package_hash [0-9a-f]{64}\nlog index \d+ \(anchored\) key v1\noffline: verified \(\d+ checks passed\)\nvalid: true\n$/,
    );
  }, 60_000);

  it("refuses a bad package with the service's code and field, on both doors", async () => {
    const bad = { ...uniquePackage('client-bad'), spec_version: '' };
    const viaRest = await rest()
      .sign(bad)
      .catch((e: unknown) => e);
    expect(viaRest).toBeInstanceOf(NotaryError);
    expect(viaRest).toMatchObject({
      kind: 'refused',
      code: 'validation_failed',
      details: { httpStatus: 422, field: 'evidence_package.spec_version' },
    });
    await expect(grpc.sign(bad)).rejects.toMatchObject({
      kind: 'refused',
      code: 'validation_failed',
      details: { field: 'evidence_package.spec_version' },
    });
  });
});

/**
 * GET /api/v1/evidence/{hash}, which the client has no helper for, retried like the helpers: the
 * file's budget (RATE) is shared by all its requests, and a lookup arriving with the window spent
 * (the lost-answer case found 10 of 12 used) is answered 429, not refused for good.
 */
function evidenceByHash(hash: string): Promise<{ workflow_ids: string[] }> {
  return withRetries(
    retryPolicy({ attempts: 8 }),
    async () => {
      const { data, response } = await rest().api.GET('/api/v1/evidence/{hash}', { params: { path: { hash } } });
      if (!data) throw response;
      return data;
    },
    (err) =>
      err instanceof Response && err.status === 429
        ? { retry: true, serverDelayMs: parseRetryAfter(err.headers.get('retry-after')) }
        : { retry: false },
  );
}

/** A TCP proxy to the service that cuts the first connection whose answer is a success, as that answer starts to come back. */
async function dropFirstAnswer(port: number): Promise<{ url: string; dropped: () => number; close: () => void }> {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      // the first SUCCESS is lost: a 429 before it (the file's rate-limit budget, spent faster on a
      // loaded machine) is delivered, or its retry would sign afresh and nothing would be replayed
      if (dropped === 0 && chunk.toString('latin1', 0, 10) === 'HTTP/1.1 2') {
        dropped++;
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
