// gRPC as an attacker sends it: hand-made wire bytes that protobufjs would decode into something
// other than what was sent (U+FFFD for invalid UTF-8) or fail on (nesting) are INVALID_ARGUMENT.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProtoPackage, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { methodPath } from '../../src/api/grpc/call.js';
import { notaryServiceDefinition } from '../../src/api/grpc/proto.js';
import type { TestApp } from '../support/app.js';
import { startGrpcTestApp, type GrpcTestApp } from '../support/grpc-app.js';
import { uniquePackage } from '../support/records.js';

// protobuf wire helpers: tag + length-delimited bytes
const varint = (n: number): Buffer => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
};
const field = (no: number, bytes: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
const str = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
/** google.protobuf.Struct with one entry key → Value bytes */
const structEntry = (key: Buffer, value: Buffer) => field(1, Buffer.concat([field(1, key), field(2, value)]));
const stringValue = (s: Buffer) => field(3, s);
const structValue = (struct: Buffer) => field(5, struct);

const definition = notaryServiceDefinition();
/** The SignEvidenceRequest bytes of a valid package with `metadata` (field 6) set to these Struct bytes. */
function signRequest(tag: string, metadata: Buffer, edit: (pkg: Buffer) => Buffer = (b) => b): Buffer {
  const pkg = uniquePackage(tag);
  delete pkg.metadata;
  pkg.actor.id = 'AAAAAAAA'; // a marker the byte-editing tests find
  const request = definition.SignEvidence!.requestSerialize({ evidence_package: toProtoPackage(pkg) });
  // the request holds one field, evidence_package (1): metadata is appended to the package's own bytes
  return field(1, Buffer.concat([edit(Buffer.from(decodeLengthDelimited(request))), field(6, metadata)]));
}
function decodeLengthDelimited(buf: Buffer): Buffer {
  let pos = 1;
  let len = 0;
  for (let shift = 0; ; shift += 7) {
    const b = buf[pos++]!;
    len |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  return buf.subarray(pos, pos + len);
}

describe('gRPC hostile input', () => {
  let door: GrpcTestApp;
  let app: TestApp;
  let client: NotaryGrpcClient;
  beforeAll(async () => {
    door = await startGrpcTestApp();
    ({ app, client } = door);
  });
  afterAll(async () => door?.close());

  /** Sends raw request bytes; resolves with the status code and message. */
  const send = (method: string, bytes: Buffer) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      client.raw.makeUnaryRequest(
        methodPath(method),
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        new grpc.Metadata(),
        {},
        (err) => resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' }),
      );
    });

  it('signs the valid bytes these tests start from', async () => {
    expect(await send('SignEvidence', signRequest('base', structEntry(str('note'), stringValue(str('fine')))))).toEqual({
      code: grpc.status.OK,
      details: '',
    });
  });

  it.each([
    [
      'invalid UTF-8 in a Struct string',
      structEntry(str('note'), stringValue(Buffer.from([0x41, 0xc3, 0x28]))),
      'evidence_package.metadata.note',
    ],
    ['CESU-8 in a Struct string', structEntry(str('note'), stringValue(Buffer.from([0xed, 0xa0, 0x80]))), 'evidence_package.metadata.note'],
    [
      // the path counts the list's elements: the second one, not the first, is named
      'invalid UTF-8 in the second element of a Struct list',
      structEntry(str('list'), field(6, Buffer.concat([field(1, stringValue(str('ok'))), field(1, stringValue(Buffer.from([0xff])))]))),
      'evidence_package.metadata.list[1]',
    ],
    [
      'an overlong encoding in a Struct key',
      structEntry(Buffer.from([0xc0, 0xaf]), stringValue(str('x'))),
      'evidence_package.metadata.<key>',
    ],
  ])('refuses %s with INVALID_ARGUMENT instead of signing U+FFFD', async (_name, metadata, fieldName) => {
    const res = await send('SignEvidence', signRequest('utf8', metadata));
    expect(res.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(res.details).toContain(fieldName);
  });

  it('refuses invalid UTF-8 in a plain string field (actor.id)', async () => {
    const res = await send(
      'SignEvidence',
      signRequest('actor', structEntry(str('a'), stringValue(str('b'))), (pkg) => {
        const at = pkg.indexOf(Buffer.from('AAAAAAAA'));
        expect(at).toBeGreaterThan(0);
        return Buffer.concat([pkg.subarray(0, at), Buffer.from([0x41, 0xff, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]), pkg.subarray(at + 8)]);
      }),
    );
    expect(res.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(res.details).toContain('evidence_package.actor.id');
  });

  it('refuses a Struct nested deeper than 100 with INVALID_ARGUMENT, not INTERNAL', async () => {
    let struct = structEntry(str('leaf'), stringValue(str('x')));
    for (let i = 0; i < 120; i++) struct = structEntry(str('a'), structValue(struct));
    const res = await send('SignEvidence', signRequest('deep', struct));
    expect(res.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('refuses a duplicate Struct key and a __proto__ key', async () => {
    const dup = Buffer.concat([structEntry(str('k'), stringValue(str('first'))), structEntry(str('k'), stringValue(str('second')))]);
    expect((await send('SignEvidence', signRequest('dup', dup))).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(
      (
        await send(
          'SignEvidence',
          signRequest('proto', structEntry(str('__proto__'), structValue(structEntry(str('x'), stringValue(str('y')))))),
        )
      ).code,
    ).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('refuses truncated bytes as INVALID_ARGUMENT', async () => {
    const bytes = signRequest('trunc', structEntry(str('a'), stringValue(str('b'))));
    expect((await send('SignEvidence', bytes.subarray(0, bytes.length - 3))).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('refuses an integer beyond ±(2^53−1) in a Struct number', async () => {
    const err = await client
      .unary('SignEvidence', { evidence_package: toProtoPackage({ ...uniquePackage('big'), metadata: { n: 1.23e29 } }) })
      .catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('answers a forged ListWorkflows page token with INVALID_ARGUMENT', async () => {
    const forged = Buffer.from(JSON.stringify({ t: '+275760-09-13T00:00:00.000Z', k: 'x' })).toString('base64url');
    const err = await client.unary('ListWorkflows', { page_token: forged }).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('on a stream, answers a refused item with its error and signs the next one', async () => {
    const stream = client.raw.makeBidiStreamRequest(
      methodPath('SignEvidenceStream'),
      (b: Buffer) => b,
      (b: Buffer) => definition.SignEvidenceStream!.responseDeserialize(b),
      new grpc.Metadata(),
    );
    const results: { result: { status: string; error?: { code: number } } }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (d: (typeof results)[number]) => {
        results.push(d);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write(signRequest('stream-bad', structEntry(str('note'), stringValue(Buffer.from([0xc3, 0x28])))));
    stream.write(signRequest('stream-good', structEntry(str('note'), stringValue(str('ok')))));
    stream.end();
    await done;
    expect(results.map((r) => r.result.status).sort()).toEqual(['WORKFLOW_STATUS_COMPLETED', 'WORKFLOW_STATUS_FAILED']);
    expect(results.find((r) => r.result.error)!.result.error!.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('stored nothing for the refused requests', async () => {
    const { workflows } = (await app.rest.inject('/api/v1/workflows?page_size=100')).json();
    expect(workflows).toHaveLength(2); // the base request and the good stream item
  });
});
