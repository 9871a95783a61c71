import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/auth/errors.js';
import { NotaryError } from '../../src/core/errors.js';
import type { Notary } from '../../src/core/notary.js';
import {
  connectNotary,
  decodeRpcStatus,
  startGrpcServer,
  STREAM_WINDOW,
  toProtoPackage,
  type NotaryGrpcClient,
} from '../../src/api/grpc/index.js';
import { openGrpcDoor } from '../support/grpc-app.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { fixture, uniquePackage } from '../support/records.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Server = Awaited<ReturnType<typeof startGrpcServer>>;

/** The real notary with notarizePrepared replaced (slow, failing …): prototype chain keeps the rest real. */
function withNotarize(
  notary: Notary,
  fn: (orig: Notary['notarizePrepared'], ...args: Parameters<Notary['notarizePrepared']>) => ReturnType<Notary['notarizePrepared']>,
): Notary {
  const orig = notary.notarizePrepared.bind(notary);
  return Object.create(notary, { notarizePrepared: { value: (...args: Parameters<Notary['notarizePrepared']>) => fn(orig, ...args) } });
}

const details = (err: grpc.ServiceError) => decodeRpcStatus(err.metadata.get('grpc-status-details-bin')[0] as Buffer);

describe('gRPC door: errors, limits, deadlines, health, reflection, shutdown', () => {
  let app: TestApp;
  let logger: Logger;
  const servers: Server[] = [];
  const clients: NotaryGrpcClient[] = [];
  const start = async (notary: Notary, extra: Partial<Parameters<typeof startGrpcServer>[0]> = {}) => {
    const s = await startGrpcServer({ notary, logger, port: 0, host: '127.0.0.1', ...extra });
    servers.push(s);
    const c = connectNotary(`127.0.0.1:${s.port}`);
    clients.push(c);
    return { server: s, client: c };
  };
  let client: NotaryGrpcClient;
  beforeAll(async () => {
    app = await startTestApp();
    logger = app.rest.log as unknown as Logger;
    client = connectNotary(`127.0.0.1:${(await openGrpcDoor(app)).port}`);
    clients.push(client);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(servers.map((s) => s.close(500)));
    await app?.close();
  });

  it('answers INVALID_ARGUMENT with the bad field in google.rpc.BadRequest', async () => {
    const cases: [object, string][] = [
      [{}, 'evidence_package'],
      [
        { evidence_package: { ...toProtoPackage(fixture()), artifacts: [{ name: 'm', hash_sha256: '' }] } },
        'evidence_package.artifacts[0].hash_sha256',
      ],
      [{ evidence_package: { ...toProtoPackage(fixture()), timestamp_utc: undefined } }, 'evidence_package.timestamp_utc'],
      [
        { evidence_package: { ...toProtoPackage(fixture()), timestamp_utc: { seconds: '1', nanos: -1 } } },
        'evidence_package.timestamp_utc',
      ],
      [
        { evidence_package: { ...toProtoPackage(fixture()), timestamp_utc_rfc3339: '2024-01-23T14:30:00Z' } },
        'evidence_package.timestamp_utc_rfc3339',
      ],
      [{ evidence_package: { ...toProtoPackage(fixture()), metadata: { fields: { empty: {} } } } }, 'evidence_package.metadata.empty'],
      [{ evidence_package: toProtoPackage(fixture()), idempotency_key: 'has space' }, 'idempotency_key'],
    ];
    for (const [request, field] of cases) {
      const err = await client.unary('SignEvidence', request).catch((e: grpc.ServiceError) => e);
      expect(err, field).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      const d = details(err as grpc.ServiceError);
      expect(d.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(d.details.find((x) => x.type === 'google.rpc.BadRequest')).toMatchObject({ field_violations: [{ field }] });
    }
    const batch = await client
      .unary('SignEvidenceBatch', { evidence_packages: Array.from({ length: 101 }, () => toProtoPackage(fixture())) })
      .catch((e) => e);
    expect(batch.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await client.unary('GetWorkflowStatus', { workflow_id: '' }).catch((e) => e)).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await client.unary('GetWorkflowStatus', { workflow_id: 'nope' }).catch((e) => e)).code).toBe(grpc.status.NOT_FOUND);
    expect((await client.unary('ListWorkflows', { page_size: 1000 }).catch((e) => e)).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(fixture()) }).catch((e) => e)).code).toBe(
      grpc.status.INVALID_ARGUMENT,
    );
  });

  it('bounds nesting while converting Struct, before the core walks it', async () => {
    let value: object = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { structValue: { fields: { n: value } } };
    const err = await client
      .unary('SignEvidence', { evidence_package: { ...toProtoPackage(fixture()), metadata: { fields: { deep: value } } } })
      .catch((e) => e);
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(details(err).details[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses a message over the limit (RESOURCE_EXHAUSTED) and a package whose canonical form is too large', async () => {
    const huge = { ...toProtoPackage(fixture()), metadata: { fields: { blob: { stringValue: 'x'.repeat(5 * 1024 * 1024) } } } };
    expect((await client.unary('SignEvidence', { evidence_package: huge }).catch((e) => e)).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // 1000 artifacts of ~1.2 KB: under 4 MiB on the wire, over the 1 MiB per-package bound
    const artifacts = Array.from({ length: 1000 }, (_, i) => ({ name: `${i}-${'n'.repeat(1200)}`, hash_sha256: 'a'.repeat(64) }));
    const err = await client.unary('SignEvidence', { evidence_package: { ...toProtoPackage(fixture()), artifacts } }).catch((e) => e);
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(details(err).details[0]).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE' });
  });

  // A batch is a stored workflow now (SignEvidenceBatch → WorkflowService.signBatch): a call that
  // ends early no longer stops it; the batch runs to the end and GetWorkflowStatus follows it.
  it('honours deadlines: DEADLINE_EXCEEDED', async () => {
    const slow = withNotarize(app.notary, async (orig, ...args) => {
      await sleep(300);
      return orig(...args);
    });
    const { client: c } = await start(slow);
    expect(
      (await c.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage('dl-1')) }, { deadlineMs: 100 }).catch((e) => e))
        .code,
    ).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  it('masks internal errors (request id to quote) and marks UNAVAILABLE retryable', async () => {
    const broken = withNotarize(app.notary, async () => {
      throw new Error('pg: password authentication failed for user notary');
    });
    const { client: c } = await start(broken);
    const md = new grpc.Metadata();
    md.set('x-request-id', 'req-123');
    const err = await c.unary('SignEvidence', { evidence_package: toProtoPackage(fixture()) }, { metadata: md }).catch((e) => e);
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toBe('internal error; quote request id req-123');
    const down = withNotarize(app.notary, async () => {
      throw new NotaryError('unavailable', 'signer is not answering');
    });
    const e2 = await (await start(down)).client.unary('SignEvidence', { evidence_package: toProtoPackage(fixture()) }).catch((e) => e);
    expect(e2.code).toBe(grpc.status.UNAVAILABLE);
    expect(details(e2).details.map((d) => d.type)).toContain('google.rpc.RetryInfo');
  });

  it('applies flow control on the stream: never more than the window in the core at once', async () => {
    let now = 0;
    let peak = 0;
    const slow = withNotarize(app.notary, async (orig, ...args) => {
      peak = Math.max(peak, ++now);
      try {
        await sleep(20);
        return await orig(...args);
      } finally {
        now--;
      }
    });
    const { client: c } = await start(slow);
    const call = c.stream();
    let answered = 0;
    const done = new Promise((res, rej) => {
      call.on('data', () => answered++);
      call.on('end', res);
      call.on('error', rej);
    });
    let refused = 0;
    for (let i = 0; i < 200; i++)
      if (!call.write({ evidence_package: toProtoPackage(uniquePackage(`flow-${i}`)), request_id: String(i) })) refused++;
    call.end();
    await done;
    expect(answered).toBe(200);
    expect(peak).toBeLessThanOrEqual(STREAM_WINDOW);
    expect(peak).toBeGreaterThan(1);
    expect(refused).toBeGreaterThan(0); // the client saw backpressure
  });

  it('asks the authorize hook before every NotaryService call, and maps AuthError', async () => {
    const seen: string[] = [];
    const authorize = async (method: string, md: grpc.Metadata) => {
      seen.push(method);
      if (method.endsWith('/HealthCheck')) return;
      const key = md.get('x-api-key')[0];
      if (key === undefined) throw new AuthError('unauthenticated', 'a credential is required', { reason: 'missing' });
      if (key !== 'writer') throw new AuthError('forbidden', 'missing permission evidence.create', { permission: 'evidence.create' });
    };
    const { client: c } = await start(app.notary, { authorize });
    const md = (key: string) => {
      const m = new grpc.Metadata();
      m.set('x-api-key', key);
      return m;
    };
    const req = { evidence_package: toProtoPackage(uniquePackage('auth')) };
    const anon = await c.unary('SignEvidence', req).catch((e) => e);
    expect(anon.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(details(anon).details[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'MISSING' });
    expect((await c.unary('SignEvidence', req, { metadata: md('reader') }).catch((e) => e)).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((await c.unary('SignEvidence', req, { metadata: md('writer') })).status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect((await c.unary('HealthCheck', {})).status).toBe('healthy');
    const stream = c.stream({ metadata: md('reader') });
    const err = await new Promise<any>((res) => {
      stream.on('error', res);
      stream.on('data', () => undefined);
      stream.write(req);
    });
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(seen).toEqual(
      expect.arrayContaining([
        '/afdp.notary.v1.NotaryService/SignEvidence',
        '/afdp.notary.v1.NotaryService/SignEvidenceStream',
        '/afdp.notary.v1.NotaryService/HealthCheck',
      ]),
    );
  });

  it('serves grpc.health.v1 following notary.ready()', async () => {
    let healthy = true;
    const flaky = Object.create(app.notary, {
      ready: {
        value: async () => {
          if (!healthy) throw new Error('down');
        },
      },
    }) as Notary;
    const { server } = await start(flaky, { readinessIntervalMs: 50 });
    const Health = grpc.makeClientConstructor(healthService, 'grpc.health.v1.Health');
    const h = new Health(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as any;
    const check = (service: string) =>
      new Promise<any>((res, rej) => h.check({ service }, (e: unknown, r: unknown) => (e ? rej(e) : res(r))));
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('afdp.notary.v1.NotaryService')).toEqual({ status: 'SERVING' });
    healthy = false;
    await sleep(200);
    expect(await check('')).toEqual({ status: 'NOT_SERVING' });
    healthy = true;
    await sleep(200);
    expect(await check('')).toEqual({ status: 'SERVING' });
    h.close();
  });

  it('serves reflection: the service and its file descriptors', async () => {
    const require = createRequire(import.meta.url);
    const dir = join(require.resolve('@grpc/reflection'), '..', '..', 'proto');
    const pkg = grpc.loadPackageDefinition(
      protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { keepCase: true, includeDirs: [dir] }),
    ) as any;
    const r = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${servers[0]!.port}`, grpc.credentials.createInsecure());
    const call = r.ServerReflectionInfo();
    const answers: any[] = [];
    const done = new Promise((res) => {
      call.on('data', (a: unknown) => answers.push(a));
      call.on('end', res);
    });
    call.write({ list_services: '' });
    call.write({ file_containing_symbol: 'afdp.notary.v1.NotaryService' });
    call.end();
    await done;
    const names = answers[0].list_services_response.service.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['afdp.notary.v1.NotaryService', 'grpc.health.v1.Health']));
    expect(answers[1].file_descriptor_response.file_descriptor_proto.length).toBeGreaterThan(0);
    r.close();
  });

  it('shuts down gracefully: in-flight calls finish, streams end UNAVAILABLE after their items, new calls are refused', async () => {
    let begun = 0;
    const slow = withNotarize(app.notary, async (orig, ...args) => {
      begun++;
      await sleep(200);
      return orig(...args);
    });
    const { server, client: c } = await start(slow);
    const unaryCall = c.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage('drain-unary')) });
    const stream = c.stream();
    const got: any[] = [];
    const ended = new Promise<any>((res) => {
      stream.on('data', (d) => got.push(d));
      stream.on('error', res);
      stream.on('end', () => res(null));
    });
    for (let i = 0; i < 3; i++) stream.write({ evidence_package: toProtoPackage(uniquePackage(`drain-${i}`)), request_id: String(i) });
    while (begun < 4) await sleep(5); // the unary call and the three stream items are in the core
    const closed = server.close(5000);
    expect((await unaryCall).status).toBe('WORKFLOW_STATUS_COMPLETED');
    const streamErr = await ended;
    expect(got).toHaveLength(3);
    expect(streamErr).toMatchObject({ code: grpc.status.UNAVAILABLE });
    await closed;
    expect((await c.unary('HealthCheck', {}, { deadlineMs: 1000 }).catch((e) => e)).code).toBe(grpc.status.UNAVAILABLE);
  });
});
