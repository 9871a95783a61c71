/**
 * The request log: one line per REST request and per gRPC call with method, route, status,
 * duration, request id and principal — refusals included — and never a credential, a query
 * string or evidence content. Its level is a setting; at a terminal the lines read as text.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, toProtoPackage } from '../../src/api/grpc/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { openGrpcDoor } from '../support/grpc-app.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createApiKey } from '../support/auth.js';
import { uniquePackage } from '../support/records.js';

type Line = Record<string, unknown>;
const requestLines = (app: TestApp): Line[] => app.logLines.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request');
const ADMIN_TOKEN = 'request-log-admin-token-0123456789';

describe('request log (auth required)', () => {
  let app: TestApp;
  const secrets: string[] = [ADMIN_TOKEN];
  beforeAll(async () => {
    app = await startTestApp({ NOTARY_AUTH_MODE: 'required', NOTARY_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info' });
  });
  afterAll(async () => app?.close());

  it('writes one line per request with method, route, status, duration, request id and principal', async () => {
    const apiKey = await createApiKey(app.rest, bearer(ADMIN_TOKEN), 'log-test', ['ai_engineer']);
    secrets.push(apiKey.key);
    const pkg = uniquePackage('request-log');
    const marker = 'evidence-content-marker-7f3a';
    pkg.metadata = { note: marker, password: 'in-evidence-password-91b2' };
    secrets.push(marker, 'in-evidence-password-91b2', 'query-secret-55e1');
    app.logLines.length = 0;

    const calls = [
      {
        method: 'POST',
        url: '/api/v1/evidence/sign',
        headers: { 'x-api-key': apiKey.key, 'x-request-id': 'req-sign-1' },
        payload: { evidence_package: pkg },
      },
      {
        method: 'POST',
        url: '/api/v1/evidence/sign',
        headers: { authorization: 'Bearer afdp_not-a-real-key-000000' },
        payload: { evidence_package: pkg },
      },
      {
        method: 'POST',
        url: '/api/v1/evidence/sign',
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'text/plain' },
        payload: 'not json',
      },
      {
        method: 'POST',
        url: '/api/v1/evidence/sign',
        headers: bearer(ADMIN_TOKEN),
        payload: { evidence_package: { ...pkg, timestamp_utc: '2024-02-30T00:00:00Z' } },
      },
      // an unknown query parameter is refused (400); the query string stays out of the log either way
      { method: 'GET', url: `/api/v1/evidence?artifact_hash=${'a'.repeat(64)}&token=query-secret-55e1`, headers: bearer(ADMIN_TOKEN) },
      { method: 'GET', url: '/no/such/route?api_key=query-secret-55e1' },
      { method: 'GET', url: '/metrics' },
    ] as const;
    const answers: Awaited<ReturnType<typeof app.rest.inject>>[] = [];
    for (const call of calls) answers.push(await app.rest.inject(call as never));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 415, 422, 400, 404, 200]);

    const lines = requestLines(app);
    // /metrics is scraped every few seconds: its route logs at warn, so it writes no request line
    expect(lines).toHaveLength(calls.length - 1);
    expect(lines.map((l) => [l.method, l.route, l.status, l.principal])).toEqual([
      ['POST', '/api/v1/evidence/sign', 200, `api_key:${apiKey.id}`],
      ['POST', '/api/v1/evidence/sign', 401, null],
      ['POST', '/api/v1/evidence/sign', 415, 'admin_token:bootstrap'],
      ['POST', '/api/v1/evidence/sign', 422, 'admin_token:bootstrap'],
      ['GET', '/api/v1/evidence', 400, 'admin_token:bootstrap'],
      ['GET', null, 404, null],
    ]);
    expect(lines[5]!.path).toBe('/no/such/route');
    lines.forEach((line, i) => {
      expect(line).toMatchObject({ door: 'rest', level: 30, request_id: answers[i]!.headers['x-request-id'] });
      expect(line.duration_ms).toBeTypeOf('number');
      expect(line.duration_ms as number).toBeGreaterThanOrEqual(0);
    });
    expect(lines[0]!.request_id).toBe('req-sign-1');
  });

  it('never writes a credential, a query string or evidence content to the log', () => {
    const text = app.logLines.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('afdp_not-a-real-key-000000');
  });

  it('logs each gRPC call with its method, status name and principal', async () => {
    const server = await openGrpcDoor(app);
    const client = connectNotary(`127.0.0.1:${server.port}`);
    try {
      app.logLines.length = 0;
      const grpc = await import('@grpc/grpc-js');
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${ADMIN_TOKEN}`);
      await client.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage('grpc-log')) }, { metadata: md });
      await client.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage('grpc-log-2')) }).catch(() => undefined);
      const lines = requestLines(app);
      expect(lines.map((l) => [l.door, l.method, l.route, l.status, l.principal])).toEqual([
        ['grpc', 'SignEvidence', '/afdp.notary.v1.NotaryService/SignEvidence', 'OK', 'admin_token:bootstrap'],
        ['grpc', 'SignEvidence', '/afdp.notary.v1.NotaryService/SignEvidence', 'UNAUTHENTICATED', null],
      ]);
      expect(app.logLines.join('')).not.toContain(ADMIN_TOKEN);
    } finally {
      client.close();
      await server.close(1000);
    }
  });
});

describe('request log level', () => {
  it('is off with NOTARY_REQUEST_LOG_LEVEL=silent, and below LOG_LEVEL when set to debug', async () => {
    const settings: Record<string, string>[] = [
      { NOTARY_REQUEST_LOG_LEVEL: 'silent' },
      { NOTARY_REQUEST_LOG_LEVEL: 'debug', LOG_LEVEL: 'info' },
    ];
    for (const env of settings) {
      const app = await startTestApp(env);
      try {
        expect((await app.rest.inject('/health')).statusCode).toBe(200);
        expect(requestLines(app), JSON.stringify(env)).toEqual([]);
      } finally {
        await app.close();
      }
    }
  }, 120_000);

  it('writes at the configured level: warn lines pass a LOG_LEVEL of warn', async () => {
    const app = await startTestApp({ NOTARY_REQUEST_LOG_LEVEL: 'warn', LOG_LEVEL: 'warn' });
    try {
      await app.rest.inject('/health');
      expect(requestLines(app).map((l) => [l.route, l.level])).toEqual([['/health', 40]]);
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('log format', () => {
  const capture = () => {
    const out: string[] = [];
    return {
      out,
      sink: new Writable({
        write(chunk, _enc, cb) {
          out.push(String(chunk));
          cb();
        },
      }),
    };
  };

  it('pretty: a request reads as one line of text, with no JSON and no credential', () => {
    const { out, sink } = capture();
    const logger = createLogger('info', sink, 'pretty').child({ request_id: 'abc-123' });
    logger.info(
      { door: 'rest', method: 'POST', route: '/api/v1/evidence/sign', status: 201, duration_ms: 12.5, principal: 'api_key:ci' },
      'request',
    );
    logger.info({ headers: { authorization: 'Bearer sekret-token' } }, 'something else');
    const text = out.join('');
    expect(text).toMatch(/INFO.*: POST \/api\/v1\/evidence\/sign 201 12\.5 ms by api_key:ci \[abc-123\]\n/);
    expect(text).not.toMatch(/^\{/m);
    expect(text).not.toContain('sekret-token');
  });

  it('json: one object per line', () => {
    const { out, sink } = capture();
    createLogger('info', sink, 'json').info({ status: 201 }, 'request');
    expect(JSON.parse(out.join(''))).toMatchObject({ level: 30, status: 201, msg: 'request', service: 'afdp-notary' });
  });
});
