// REST as an attacker sends it: what is signed is exactly what was sent, or the request is refused
// with problem+json naming the fault; never a 500, never a row for a refused request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { uniquePackage } from '../support/records.js';

const json = (v: unknown) => JSON.stringify(v);
/** a package's JSON text with `replace` applied to it, so duplicates and escapes can be written as text */
const pkgText = (tag: string, edit: (text: string) => string = (t) => t) => edit(json(uniquePackage(tag)));

describe('REST hostile input', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  const post = (url: string, payload: string | Buffer, contentType = 'application/json') =>
    app.rest.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
  const sign = (body: string | Buffer, contentType?: string) => post('/api/v1/evidence/sign', body, contentType);
  const problem = async (res: Awaited<ReturnType<typeof post>>, status: number, code: string, field?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status, code, ...(field === undefined ? {} : { field }) });
  };

  it.each([
    [
      'a duplicate top-level name inside the package',
      (t: string) => t.replace('"event_type":', '"event_type":"ai.x.approved","event_type":'),
      '/evidence_package/event_type',
    ],
    ['a duplicate nested name', (t: string) => t.replace('"actor":{', '"actor":{"id":"mallory",'), '/evidence_package/actor/id'],
  ])('refuses %s with 400 and the JSON pointer', async (_name, edit, field) => {
    await problem(await sign(`{"evidence_package":${pkgText('dup', edit)}}`), 400, 'invalid_request', field);
  });

  it('refuses a duplicate evidence_package in the envelope', async () => {
    await problem(
      await sign(`{"evidence_package":${pkgText('a')},"evidence_package":${pkgText('b')}}`),
      400,
      'invalid_request',
      '/evidence_package',
    );
  });

  it.each([['9007199254740993'], ['1.23e29'], ['-9007199254740993'], ['1e400']])(
    'refuses the number %s, which a double cannot hold exactly (422, send it as a string)',
    async (n) => {
      const res = await sign(`{"evidence_package":${pkgText('num', (t) => t.replace('"metadata":{', `"metadata":{"n":${n},`))}}`);
      await problem(res, 422, 'validation_failed', '/evidence_package/metadata/n');
      expect(res.json().detail).toContain('string');
    },
  );

  it.each([
    ['invalid UTF-8 (C3 28)', [0xc3, 0x28]],
    ['CESU-8 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['overlong slash (C0 AF)', [0xc0, 0xaf]],
  ])('refuses %s in the body (400), never signing U+FFFD', async (_name, bytes) => {
    const [before, after] = pkgText('utf8', (t) => t.replace('"metadata":{', '"metadata":{"s":"MARK",')).split('MARK') as [string, string];
    await problem(
      await sign(Buffer.concat([Buffer.from(`{"evidence_package":${before}`), Buffer.from(bytes), Buffer.from(`${after}}`)])),
      400,
      'invalid_request',
    );
  });

  it('reads only UTF-8: another charset is 415, utf-8 declared is fine', async () => {
    await problem(
      await sign(json({ evidence_package: uniquePackage('latin1') }), 'application/json; charset=iso-8859-1'),
      415,
      'unsupported_media_type',
    );
    expect((await sign(json({ evidence_package: uniquePackage('utf8-declared') }), 'application/json; charset=UTF-8')).statusCode).toBe(
      200,
    );
  });

  const loneSurrogate = (tag: string) => pkgText(tag, (t) => t.replace('"metadata":{', '"metadata":{"s":"\\ud800",'));
  it.each([
    ['sign', '/api/v1/evidence/sign', () => `{"evidence_package":${loneSurrogate('ls-sign')}}`, '/evidence_package/metadata/s'],
    [
      'a key',
      '/api/v1/evidence/sign',
      () => `{"evidence_package":${pkgText('ls-key', (t) => t.replace('"metadata":{', '"metadata":{"\\udc00":1,'))}}`,
      '/evidence_package/metadata',
    ],
    [
      'validate',
      '/api/v1/evidence/validate',
      () => `{"evidence_package":${loneSurrogate('ls-validate')},"receipt":{}}`,
      '/evidence_package/metadata/s',
    ],
    [
      'approval',
      '/api/v1/evidence/sign/approval',
      () => `{"evidence_package":${loneSurrogate('ls-approval')},"approvers":["alice"]}`,
      '/evidence_package/metadata/s',
    ],
    [
      'an approver name',
      '/api/v1/evidence/sign/approval',
      () => `{"evidence_package":${pkgText('ls-approver')},"approvers":["al\\udfffice"]}`,
      '/approvers/0',
    ],
  ])('refuses a lone surrogate (%s) with 422 naming the field, not a 500', async (_name, url, body, field) => {
    await problem(await post(url, body()), 422, 'validation_failed', field);
  });

  it('fails only the batch item that holds a lone surrogate or an unsafe integer; a duplicate name refuses the whole text', async () => {
    const unsafe = pkgText('batch-unsafe', (t) => t.replace('"metadata":{', '"metadata":{"n":9007199254740993,'));
    const res = await post(
      '/api/v1/evidence/sign/batch',
      `{"evidence_packages":[${pkgText('batch-ok')},${loneSurrogate('batch-ls')},${unsafe}]}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(['completed', 'failed', 'failed']);
    expect(results[1].error).toMatchObject({ code: 'validation_failed', field: 'evidence_packages[1].metadata.s' });
    expect(results[2].error).toMatchObject({ code: 'validation_failed', field: 'evidence_packages[2].metadata.n' });
    const dup = pkgText('batch-dup', (t) => t.replace('"metadata":{', '"metadata":{"k":1,"k":2,'));
    await problem(
      await post('/api/v1/evidence/sign/batch', `{"evidence_packages":[${pkgText('batch-ok-2')},${dup}]}`),
      400,
      'invalid_request',
      '/evidence_packages/1/metadata/k',
    );
  });

  it('does not coerce types in bodies: approvers [1, 2] is refused, not stored as ["1","2"]', async () => {
    const res = await post('/api/v1/evidence/sign/approval', json({ evidence_package: uniquePackage('coerce'), approvers: [1, 2] }));
    await problem(res, 400, 'invalid_request');
    expect(res.json().field).toBe('body.approvers.0');
  });

  it.each([
    [
      'spec_version 2.0',
      (p: Record<string, any>) => {
        p.spec_version = '2.0';
      },
      'evidence_package.spec_version',
    ],
    [
      'February 30th',
      (p: Record<string, any>) => {
        p.timestamp_utc = '2024-02-30T00:00:00Z';
      },
      'evidence_package.timestamp_utc',
    ],
    [
      'April 31st',
      (p: Record<string, any>) => {
        p.timestamp_utc = '2023-04-31T12:00:00Z';
      },
      'evidence_package.timestamp_utc',
    ],
    [
      'year 0000',
      (p: Record<string, any>) => {
        p.timestamp_utc = '0000-01-01T00:00:00Z';
      },
      'evidence_package.timestamp_utc',
    ],
    [
      'an offset the database cannot hold',
      (p: Record<string, any>) => {
        p.timestamp_utc = '2024-01-01T00:00:00+16:00';
      },
      'evidence_package.timestamp_utc',
    ],
    [
      'NUL in actor.id',
      (p: Record<string, any>) => {
        p.actor.id = 'a\u0000b';
      },
      'evidence_package.actor.id',
    ],
    [
      'NUL in actor_type',
      (p: Record<string, any>) => {
        p.actor.actor_type = 'human\u0000';
      },
      'evidence_package.actor.actor_type',
    ],
  ])('refuses %s (422): a value the store cannot hold never reaches it', async (_name, mutate, field) => {
    const pkg = uniquePackage('store') as unknown as Record<string, any>;
    mutate(pkg);
    await problem(await sign(json({ evidence_package: pkg })), 422, 'validation_failed', field);
  });

  it('refuses an actor.id too long for its index with 413', async () => {
    const pkg = uniquePackage('long-actor');
    pkg.actor.id = 'é'.repeat(600); // 1200 bytes of UTF-8
    await problem(await sign(json({ evidence_package: pkg })), 413, 'payload_too_large', 'evidence_package.actor.id');
  });

  it('signs a /sign/batch with one poisoned item: the other items signed, the poisoned one failed alone', async () => {
    const packages = [0, 1, 2, 3, 4].map((i) => uniquePackage(`batch-poison-${i}`));
    packages[2]!.timestamp_utc = '2024-02-30T00:00:00Z';
    const res = await post('/api/v1/evidence/sign/batch', json({ evidence_packages: packages }));
    expect(res.statusCode, res.body).toBe(200);
    const batch = res.json();
    expect(batch).toMatchObject({ total: 5, succeeded: 4, failed: 1 });
    expect(batch.results.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed', 'failed', 'completed', 'completed']);
    expect(batch.results[2].error).toMatchObject({ code: 'validation_failed', field: 'evidence_packages[2].timestamp_utc' });
  });

  it('keeps a batch whose bad item names a field with NUL in it: the stored item error escapes it', async () => {
    const bad = { ...uniquePackage('nul-key-item'), metadata: { 'x\u0000y': '\ud800' } };
    const res = await post('/api/v1/evidence/sign/batch', json({ evidence_packages: [uniquePackage('nul-key-ok'), bad] }));
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(['completed', 'failed']);
    expect(results[1].error).toMatchObject({ code: 'validation_failed', field: 'evidence_packages[1].metadata.x\\u0000y' });
  });

  it('refuses NUL in an approver name (422), which the workflow tables cannot hold', async () => {
    await problem(
      await post('/api/v1/evidence/sign/approval', json({ evidence_package: uniquePackage('nul-approver'), approvers: ['al\u0000ice'] })),
      422,
      'validation_failed',
      'approvers[0]',
    );
  });

  it('answers 400 to forged page tokens and dates the database cannot read, and to log indices beyond 2^53−1', async () => {
    const forge = (c: object) => Buffer.from(json(c)).toString('base64url');
    for (const url of [
      `/api/v1/workflows?page_token=${forge({ t: '2024-01-01T00:00:00.000Z', k: 'not-a-uuid' })}`,
      `/api/v1/workflows?page_token=${forge({ t: '+275760-09-13T00:00:00.000Z', k: '00000000-0000-4000-8000-000000000000' })}`,
      `/api/v1/evidence?page_token=${forge({ t: '2024-01-01T00:00:00.000Z', k: 'zz' })}`,
      '/api/v1/workflows?start_time=0000-01-01T00:00:00Z',
      '/api/v1/workflows?end_time=2024-02-30T00:00:00Z',
      '/api/v1/log/entries?logIndex=100000000000000000000',
      '/api/v1/log/proof?firstSize=1&lastSize=100000000000000000000',
    ]) {
      const res = await app.rest.inject(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
  });

  it('left no row for any refused request', async () => {
    const { workflows } = (await app.rest.inject('/api/v1/workflows?page_size=100')).json();
    // the charset test's signature, three batches (their own workflows and six signed items): nothing else
    expect(workflows.filter((w: { workflow_type: string }) => w.workflow_type === 'simple_signing')).toHaveLength(7);
    expect(workflows).toHaveLength(10);
  });
});
