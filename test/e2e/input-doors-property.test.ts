// Property: through every door (REST, gRPC, the Pulsar handler), generated evidence packages —
// honest ones and every hostile class — are either signed with evidence_package_hash = SHA-256 of
// the RFC 8785 bytes of exactly what was sent, or refused as the caller's fault (4xx,
// INVALID_ARGUMENT, DLQ as a validation error). Never a 5xx; a refused input leaves no row.
// The expected hash comes from a second RFC 8785 implementation (json-canonicalize), not ours.
import { createHash, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { canonicalize as independentJcs } from 'json-canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleEvent, type Action, type EventLedger, type LedgerEntry, type NotaryResultMessage } from '../../src/adapters/events/index.js';
import { toProtoPackage, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { methodPath } from '../../src/api/grpc/call.js';
import { notaryServiceDefinition } from '../../src/api/grpc/proto.js';
import type { TestApp } from '../support/app.js';
import { startGrpcTestApp, type GrpcTestApp } from '../support/grpc-app.js';
import { iJsonFault } from '../support/ijson-oracle.js';
import { uniquePackage } from '../support/records.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Pkg = Record<string, any>;

/** One input: what the caller means (`value`) and, for text doors, the exact bytes it sends. */
interface Case {
  kind: string;
  value: Pkg;
  /** REST / Pulsar bytes of the package; differs from JSON.stringify(value) for text-level faults */
  text: Buffer;
  /** the generator injected a fault of a hostile class: the notary must refuse */
  hostile: boolean;
  /** gRPC cannot express it (duplicate names are a text-level fault) */
  textOnly?: boolean;
  /** gRPC wire edit: replace these marker bytes */
  wire?: { marker: string; bytes: readonly number[] };
}

const sha256 = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');
const expectedHash = (v: unknown) => sha256(independentJcs(v));

const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 });
const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(0.1, -0, 5e-324, 9007199254740991, 1e21, 1.5e300, 'é\u0000\u2028'),
);
const json: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;

let serial = 0;
const base = (): Pkg => uniquePackage(`prop-${process.pid}-${serial++}`) as unknown as Pkg;
const withMeta = (p: Pkg, text: string, insert: string) => text.replace('"metadata":{', `"metadata":{${insert}`);
const textCase = (kind: string, edit: (p: Pkg, text: string) => string, extra: Partial<Case> = {}): fc.Arbitrary<Case> =>
  fc.constant(null).map(() => {
    const value = base();
    return { kind, value, text: Buffer.from(edit(value, JSON.stringify(value))), hostile: true, textOnly: true, ...extra };
  });
const valueCase = (kind: string, mutate: (p: Pkg) => void): fc.Arbitrary<Case> =>
  fc.constant(null).map(() => {
    const value = base();
    mutate(value);
    return { kind, value, text: Buffer.from(JSON.stringify(value)), hostile: true };
  });

const cases: fc.Arbitrary<Case> = fc.oneof(
  // honest packages with generated metadata (which may itself hold what I-JSON cannot carry)
  {
    weight: 6,
    arbitrary: fc.dictionary(key, json, { maxKeys: 6 }).map((metadata) => {
      const value = { ...base(), metadata: { ...metadata, run: `m-${serial++}` } };
      return { kind: 'generated', value, text: Buffer.from(JSON.stringify(value)), hostile: iJsonFault(value) };
    }),
  },
  textCase('duplicate top-level name', (_p, t) => t.replace('{', '{"event_type":"ai.evil.approved",')),
  textCase('duplicate metadata name', (p, t) => withMeta(p, t, '"k":"approved","k":"rejected",')),
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 30n }).chain((n) => textCase('unsafe integer literal', (p, t) => withMeta(p, t, `"n":${n},`))),
  fc
    .constantFrom('1.23e29', '-9007199254740993', '1e400')
    .chain((n) => textCase('unsafe number literal', (p, t) => withMeta(p, t, `"n":${n},`))),
  fc.constantFrom([0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff], [0xf4, 0x90, 0x80, 0x80]).chain((bytes) =>
    textCase('invalid UTF-8', (p, t) => withMeta(p, t, '"s":"MARKER",'), { wire: { marker: 'MARKER', bytes }, textOnly: false }).map(
      (c) => {
        const [before, after] = c.text.toString('utf8').split('MARKER') as [string, string];
        return {
          ...c,
          value: { ...c.value, metadata: { s: 'MARKER', ...c.value.metadata } },
          text: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]),
        };
      },
    ),
  ),
  fc.constantFrom('\ud800', 'x\udfff', '\udbff\u0041').chain((s) =>
    valueCase('lone surrogate', (p) => {
      p.metadata = { ...p.metadata, s };
    }),
  ),
  valueCase('lone surrogate in a key', (p) => {
    p.metadata = { ...p.metadata, ['k\ud801']: 1 };
  }),
  fc
    .constantFrom(
      '2024-02-30T00:00:00Z',
      '2023-04-31T10:00:00Z',
      '2023-02-29T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '2024-01-01T00:00:00+16:00',
      '2024-01-01T24:00:00Z',
    )
    .chain((t) =>
      valueCase('date the store cannot hold', (p) => {
        p.timestamp_utc = t;
      }),
    ),
  valueCase('NUL in actor.id', (p) => {
    p.actor.id = `a\u0000${serial}`;
  }),
  valueCase('NUL in actor_type', (p) => {
    p.actor.actor_type = 'svc\u0000';
  }),
  fc.constantFrom('2.0', '1.1', '0.9.9').chain((v) =>
    valueCase('unknown spec_version', (p) => {
      p.spec_version = v;
    }),
  ),
);

/** Every evidence row the notary holds, by paging the REST listing. */
async function storedHashes(app: TestApp): Promise<Set<string>> {
  const out = new Set<string>();
  for (let token = ''; ;) {
    const page = (await app.rest.inject(`/api/v1/evidence?page_size=100${token ? `&page_token=${token}` : ''}`)).json();
    for (const e of page.evidence) out.add(e.evidence_package_hash);
    if (!page.next_page_token) return out;
    token = page.next_page_token;
  }
}

/** The interpretations a lax reader would have signed for a refused input: none may exist as a row. */
function laxReadings(c: Case): string[] {
  const readings = [expectedHash(c.value)];
  try {
    readings.push(expectedHash(JSON.parse(c.text.toString('utf8'))));
  } catch {
    /* not even lax JSON */
  }
  return readings;
}

function memoryLedger(): EventLedger {
  const rows = new Map<string, LedgerEntry>();
  return {
    find: async (id) => rows.get(id) ?? null,
    record: async (e) => {
      if (!rows.has(e.eventId)) rows.set(e.eventId, e);
      return rows.get(e.eventId)!;
    },
  };
}

describe("every input door signs exactly what was sent, or refuses it as the caller's fault", () => {
  let door: GrpcTestApp;
  let app: TestApp;
  let client: NotaryGrpcClient;
  const signed = new Set<string>();
  const refused: Case[] = [];
  beforeAll(async () => {
    door = await startGrpcTestApp();
    ({ app, client } = door);
  });
  afterAll(async () => door?.close());

  const record = (c: Case, hash: string | undefined) => {
    if (hash === undefined) {
      refused.push(c);
      return;
    }
    expect(c.hostile, `${c.kind} was signed: ${c.text.toString('utf8').slice(0, 300)}`).toBe(false);
    expect(hash, c.kind).toBe(expectedHash(c.value));
    signed.add(hash);
  };

  it('REST POST /api/v1/evidence/sign', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const body = Buffer.concat([Buffer.from('{"evidence_package":'), c.text, Buffer.from('}')]);
        const res = await app.rest.inject({
          method: 'POST',
          url: '/api/v1/evidence/sign',
          payload: body,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.statusCode, `${c.kind}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode === 200) return record(c, res.json().receipt.evidence_package_hash);
        expect(res.statusCode, `${c.kind}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(String(res.headers['content-type'])).toContain('application/problem+json');
        expect(c.hostile, `${c.kind} refused: ${res.body}`).toBe(true);
        record(c, undefined);
      }),
      { numRuns: 300 },
    );
  }, 300_000);

  it('gRPC SignEvidence (Struct metadata; invalid UTF-8 as raw wire bytes)', async () => {
    const serialize = notaryServiceDefinition().SignEvidence!.requestSerialize;
    const send = (bytes: Buffer) =>
      new Promise<{ code: number; details: string; hash?: string }>((resolve) => {
        client.raw.makeUnaryRequest(
          methodPath('SignEvidence'),
          (b: Buffer) => b,
          (b: Buffer) => notaryServiceDefinition().SignEvidence!.responseDeserialize(b) as { receipt?: { evidence_package_hash: string } },
          bytes,
          new grpc.Metadata(),
          {},
          (err, res) =>
            resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '', hash: res?.receipt?.evidence_package_hash }),
        );
      });
    await fc.assert(
      fc.asyncProperty(
        cases.filter((c) => !c.textOnly || c.wire !== undefined),
        async (c) => {
          let bytes = serialize({ evidence_package: toProtoPackage(c.value as never) });
          if (c.wire) {
            const at = bytes.indexOf(Buffer.from(c.wire.marker));
            const replacement = Buffer.concat([Buffer.from(c.wire.bytes), Buffer.alloc(c.wire.marker.length - c.wire.bytes.length, 0x41)]);
            bytes = Buffer.concat([bytes.subarray(0, at), replacement, bytes.subarray(at + c.wire.marker.length)]);
          }
          const res = await send(bytes);
          expect([grpc.status.OK, grpc.status.INVALID_ARGUMENT], `${c.kind}: ${res.details}`).toContain(res.code);
          if (res.code !== grpc.status.OK) expect(c.hostile || c.wire !== undefined, `${c.kind} refused: ${res.details}`).toBe(true);
          record(c, res.code === grpc.status.OK ? res.hash : undefined);
        },
      ),
      { numRuns: 300 },
    );
  }, 300_000);

  it('the Pulsar handler (batch_sign events carrying the package as sent)', async () => {
    const ledger = memoryLedger();
    const deps = { notary: app.notary, ledger, clock: { now: () => new Date() }, maxDeliveries: 5, backoff: { baseMs: 10, maxMs: 100 } };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const envelope = JSON.stringify({
          event_id: `prop-${randomUUID()}`,
          event_type: 'inference',
          timestamp: '2024-01-01T00:00:00Z',
          source: 'property-test',
          actor: { actor_type: 'service', id: 'prop' },
          artifacts: [],
          metadata: {},
          workflow_config: { workflow_type: 'batch_sign' },
          evidence_packages: ['PACKAGE'],
        });
        const [before, after] = envelope.split('"PACKAGE"') as [string, string];
        const actions: Action[] = await handleEvent(
          { data: Buffer.concat([Buffer.from(before), c.text, Buffer.from(after)]), properties: {}, redeliveryCount: 0 },
          deps,
        );
        expect(
          actions.some((a) => a.kind === 'nack'),
          c.kind,
        ).toBe(false);
        const dlq = actions.find((a) => a.kind === 'dlq');
        if (dlq?.kind === 'dlq') {
          expect(
            ['invalid_request', 'validation_failed', 'payload_too_large'],
            `${c.kind}: ${dlq.properties.afdp_error_message}`,
          ).toContain(dlq.properties.afdp_error_code);
          expect(c.hostile, `${c.kind} dead-lettered: ${dlq.properties.afdp_error_message}`).toBe(true);
          return record(c, undefined);
        }
        const result = actions.find((a) => a.kind === 'publish' && a.publication.topic === 'results');
        expect(result, `${c.kind}: ${JSON.stringify(actions).slice(0, 500)}`).toBeDefined();
        record(
          c,
          ((result as Extract<Action, { kind: 'publish' }>).publication.payload as NotaryResultMessage).receipt!.evidence_package_hash,
        );
      }),
      { numRuns: 300 },
    );
  }, 300_000);

  it('left no row for any refused input, and a row for every signed one', async () => {
    const stored = await storedHashes(app);
    for (const h of signed) expect(stored.has(h)).toBe(true);
    for (const c of refused) for (const h of laxReadings(c)) expect(stored.has(h), `${c.kind} left a row`).toBe(false);
    expect(stored.size).toBe(signed.size);
    // every hostile class was exercised on some door
    expect(new Set(refused.map((c) => c.kind)).size).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
