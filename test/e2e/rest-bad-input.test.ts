import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { fixture } from '../support/records.js';

describe('REST bad input: clear problem+json, never a 500', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      NOTARY_MAX_BODY_BYTES: '65536',
      NOTARY_MAX_ARTIFACTS: '10',
      NOTARY_MAX_METADATA_DEPTH: '4',
      NOTARY_MAX_STRING_LENGTH: '100',
    });
  });
  afterAll(async () => app.close());

  const post = (payload: string, contentType = 'application/json') =>
    app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload, headers: { 'content-type': contentType } });
  const signWith = (mutate: (p: Record<string, unknown>) => void) => {
    const pkg = fixture() as unknown as Record<string, unknown>;
    (pkg.metadata as Record<string, unknown>) = { note: 'short' };
    mutate(pkg);
    return post(JSON.stringify({ evidence_package: pkg }));
  };

  const cases: [string, () => Promise<{ statusCode: number; json(): any; headers: Record<string, unknown> }>, number, string, string?][] = [
    ['missing evidence_package', () => post('{}'), 400, 'invalid_request'],
    ['evidence_package not an object', () => post('{"evidence_package": [1]}'), 400, 'invalid_request'],
    ['unknown envelope field', () => post(JSON.stringify({ evidence_package: fixture(), extra: 1 })), 400, 'invalid_request'],
    ['malformed JSON', () => post('{"evidence_package": '), 400, 'invalid_request'],
    ['text/plain body', () => post('hello', 'text/plain'), 415, 'unsupported_media_type'],
    ['body over the limit', () => post(JSON.stringify({ evidence_package: { pad: 'x'.repeat(70_000) } })), 413, 'payload_too_large'],
    // (AFDP's looser shape is accepted and signed with warnings: test/compat/afdp-evidence.test.ts)
    [
      'empty hash',
      () =>
        signWith((p) => {
          (p.artifacts as any[])[0].hash_sha256 = '';
        }),
      422,
      'validation_failed',
      'evidence_package.artifacts[0].hash_sha256',
    ],
    [
      'artifacts not an array',
      () =>
        signWith((p) => {
          p.artifacts = { a: 1 };
        }),
      422,
      'validation_failed',
      'evidence_package.artifacts',
    ],
    [
      'too many artifacts',
      () =>
        signWith((p) => {
          p.artifacts = Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, hash_sha256: 'a'.repeat(64) }));
        }),
      413,
      'payload_too_large',
      'evidence_package.artifacts',
    ],
    [
      'metadata too deep',
      () =>
        signWith((p) => {
          p.metadata = { a: { b: { c: { d: { e: { f: 1 } } } } } };
        }),
      413,
      'payload_too_large',
    ],
    [
      'string too long',
      () =>
        signWith((p) => {
          p.metadata = { note: 'y'.repeat(101) };
        }),
      413,
      'payload_too_large',
      'evidence_package.metadata.note',
    ],
    [
      'bad timestamp',
      () =>
        signWith((p) => {
          p.timestamp_utc = 'yesterday';
        }),
      422,
      'validation_failed',
      'evidence_package.timestamp_utc',
    ],
    [
      'impossible date',
      () =>
        signWith((p) => {
          p.timestamp_utc = '2024-13-45T99:00:00Z';
        }),
      422,
      'validation_failed',
      'evidence_package.timestamp_utc',
    ],
    [
      'event_type not a string',
      () =>
        signWith((p) => {
          p.event_type = 7;
        }),
      422,
      'validation_failed',
      'evidence_package.event_type',
    ],
    [
      'actor missing id',
      () =>
        signWith((p) => {
          p.actor = { actor_type: 'x' };
        }),
      422,
      'validation_failed',
      'evidence_package.actor.id',
    ],
    [
      'unknown field too long',
      () =>
        signWith((p) => {
          p.extra = 'z'.repeat(101);
        }),
      413,
      'payload_too_large',
      'evidence_package.extra',
    ],
    [
      'metadata not an object',
      () =>
        signWith((p) => {
          p.metadata = [1, 2];
        }),
      422,
      'validation_failed',
      'evidence_package.metadata',
    ],
    [
      '100k-deep nesting outside metadata',
      () => post(`{"evidence_package": {"actor": ${'['.repeat(30_000)}${']'.repeat(30_000)}}}`),
      413,
      'payload_too_large',
    ],
    ['__proto__ key', () => post('{"evidence_package": {"__proto__": {"x": 1}}}'), 400, 'invalid_request'],
  ];

  it.each(cases)('%s', async (_name, send, status, code, field) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({ status, code });
    expect(body.detail.length).toBeGreaterThan(0);
    if (field) expect(body.field).toBe(field);
    expect(body.request_id).toBe(res.headers['x-request-id']);
  });

  it('stores nothing for rejected input', async () => {
    const res = (await app.rest.inject('/api/v1/workflows?page_size=100')).json();
    expect(res.workflows).toEqual([]);
  });

  it('echoes a caller-supplied request id', async () => {
    const res = await app.rest.inject({ url: '/api/v1/workflows/x/status', headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.json().request_id).toBe('trace-abc-123');
  });
});
