import canonicalize from 'canonicalize';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import { toRawPackage } from '../../src/api/grpc/evidence.js';
import { fromReceiptMsg, toReceiptMsg } from '../../src/api/grpc/present.js';
import {
  loadNotaryPackage,
  rfc3339ToTimestamp,
  structToJson,
  jsonToStruct,
  timestampToRfc3339,
  toProtoPackage,
  type EvidencePackageMsg,
} from '../../src/api/grpc/index.js';
import type { Receipt } from '../../src/core/receipt.js';
import { fixtures, uniquePackage } from '../support/records.js';

const method = (name: string) => (loadNotaryPackage()['afdp.notary.v1.NotaryService'] as grpc.ServiceDefinition)[name]!;
/** Through real protobuf bytes, as a client's message reaches the server. */
const overTheWire = (pkg: EvidencePackageMsg): EvidencePackageMsg => {
  const m = method('SignEvidence');
  return (m.requestDeserialize(m.requestSerialize({ evidence_package: pkg })) as { evidence_package: EvidencePackageMsg }).evidence_package;
};
const hashOf = (raw: unknown) => prepareEvidence(raw, DEFAULT_LIMITS).hashHex;

describe('gRPC ⇄ JSON conversion', () => {
  it.each(Object.entries(fixtures()))('%s hashes identically after encode → protobuf bytes → decode', (_name, pkg) => {
    const msg = toProtoPackage(pkg);
    expect(msg.timestamp_utc).toBeDefined();
    expect(msg.timestamp_utc_rfc3339).toBeUndefined();
    const raw = toRawPackage(overTheWire(msg), 'evidence_package', DEFAULT_LIMITS.maxMetadataDepth);
    expect(raw).toEqual(pkg);
    expect(hashOf(raw)).toBe(hashOf(pkg));
  });

  it('renders Timestamps the way REST callers write them, keeping sub-millisecond digits', () => {
    expect(timestampToRfc3339({ seconds: '1706020200', nanos: 0 }, 't')).toBe('2024-01-23T14:30:00.000Z');
    expect(timestampToRfc3339({ seconds: 1706020200, nanos: 120_000_000 }, 't')).toBe('2024-01-23T14:30:00.120Z');
    expect(timestampToRfc3339({ seconds: '1706020200', nanos: 123_456_000 }, 't')).toBe('2024-01-23T14:30:00.123456Z');
    expect(timestampToRfc3339({ seconds: '1706020200', nanos: 1 }, 't')).toBe('2024-01-23T14:30:00.000000001Z');
    expect(timestampToRfc3339({ seconds: '-62135596800' }, 't')).toBe('0001-01-01T00:00:00.000Z');
    expect(timestampToRfc3339({}, 't')).toBe('1970-01-01T00:00:00.000Z');
    for (const bad of [{ seconds: '253402300800' }, { seconds: '-62135596801' }, { nanos: 1e9 }, { nanos: -1 }, { seconds: '1e30' }]) {
      expect(() => timestampToRfc3339(bad, 't'), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'validation_failed', field: 't' }),
      );
    }
  });

  it('parses RFC 3339 exactly and falls back to verbatim text for spellings a Timestamp would change', () => {
    for (const s of ['2024-01-23T14:30:00.000Z', '2024-01-23T14:30:00.123456789Z', '1999-12-31T23:59:59.999Z']) {
      expect(timestampToRfc3339(rfc3339ToTimestamp(s), 't')).toBe(s);
    }
    expect(rfc3339ToTimestamp('2024-01-23T16:30:00.5+02:00')).toEqual({ seconds: '1706020200', nanos: 500_000_000 });
    for (const s of ['2024-01-23T14:30:00Z', '2024-01-23T16:30:00+02:00', '2024-01-23t14:30:00.000z', '2024-01-23T14:30:00.1Z']) {
      const pkg = { ...uniquePackage('ts'), timestamp_utc: s };
      const msg = toProtoPackage(pkg);
      expect(msg.timestamp_utc_rfc3339, s).toBe(s);
      expect(hashOf(toRawPackage(overTheWire(msg), 'p', 16)), s).toBe(hashOf(pkg));
    }
  });

  it('converts Struct exactly: every JSON kind, nesting, empty containers, doubles', () => {
    const metadata = {
      s: 'x',
      n: 48.5,
      i: 8,
      neg: -0.001,
      big: 1e21,
      max: Number.MAX_SAFE_INTEGER,
      min: 5e-324,
      z: 0,
      t: true,
      f: false,
      nil: null,
      o: { a: { b: { c: [1, [2, [3, { d: null }]]] } } },
      eo: {},
      el: [],
      mixed: [null, true, 'a', 1.5, {}, []],
    };
    const m = method('SignEvidence');
    const wire = m.requestDeserialize(m.requestSerialize({ evidence_package: { metadata: jsonToStruct(metadata) } })) as {
      evidence_package: EvidencePackageMsg;
    };
    const back = structToJson(wire.evidence_package.metadata!, 'metadata', 16);
    expect(back).toEqual(metadata);
    expect(canonicalize(back)).toBe(canonicalize(metadata));
    // -0 is a double too; JCS writes it as 0 on both doors
    expect(canonicalize(structToJson(jsonToStruct({ z: -0 }), 'm', 16))).toBe('{"z":0}');
  });

  it('refuses Values without a kind and nesting past the metadata depth limit', () => {
    expect(() => structToJson({ fields: { a: {} } }, 'metadata', 16)).toThrow(
      expect.objectContaining({ code: 'invalid_request', field: 'metadata.a' }),
    );
    let v: object = { numberValue: 1 };
    for (let i = 0; i < 3; i++) v = { listValue: { values: [v] } };
    expect(() => structToJson({ fields: { a: v as never } }, 'metadata', 2)).toThrow(
      expect.objectContaining({ code: 'payload_too_large' }),
    );
    expect(structToJson({ fields: { a: v as never } }, 'metadata', 3)).toEqual({ a: [[[1]]] });
  });

  it('keeps empty optional strings absent and unset fields unset (the core then names them)', () => {
    const raw = toRawPackage(
      overTheWire({
        spec_version: '1.0',
        actor: { actor_type: 'ci', id: 'x', auth_provider: '' },
        artifacts: [{ name: 'a', uri: '', hash_sha256: 'a'.repeat(64) }],
      }),
      'p',
      16,
    );
    expect(raw).toEqual({
      spec_version: '1.0',
      actor: { actor_type: 'ci', id: 'x' },
      artifacts: [{ name: 'a', hash_sha256: 'a'.repeat(64) }],
    });
    expect(() => toRawPackage(undefined, 'evidence_package', 16)).toThrow(
      expect.objectContaining({ code: 'invalid_request', field: 'evidence_package' }),
    );
  });

  it('round-trips receipts (anchored and pending) through NotarizationReceipt bytes', () => {
    const anchored: Receipt = {
      workflow_id: 'w',
      evidence_package_hash: 'ab'.repeat(32),
      signature_b64: 'c2ln',
      public_key_b64: 'cGs=',
      key_id: 'k',
      key_version: 3,
      signed_at: '2024-01-23T14:30:00.123Z',
      anchoring: 'anchored',
      rekor_log_id: 'u',
      rekor_server_url: 'http://x',
      rekor_entry_uuid: 'u',
      transparency_log_id: 'log',
      integrated_time: 1706020200,
      log_index: 9_007_199_254_740_991,
      inclusion_proof: { logIndex: 5, rootHash: 'r', treeSize: 6, hashes: ['h1', 'h2'], checkpoint: 'cp' },
      signed_entry_timestamp: 'set',
      rekor_entry_body: 'body',
      rfc3161_timestamp: 'dHNy',
      timestamped_at: '2024-01-23T14:30:01.000Z',
      bundle: { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' } as never,
    };
    const pending: Receipt = {
      ...anchored,
      anchoring: 'pending',
      rekor_log_id: null,
      rekor_server_url: null,
      rekor_entry_uuid: null,
      transparency_log_id: null,
      integrated_time: null,
      log_index: null,
      inclusion_proof: null,
      signed_entry_timestamp: null,
      rekor_entry_body: null,
      bundle: null,
    };
    const m = method('GetNotarizationReceipt');
    // Rekor v2: anchored without integrated time and SET
    const v2: Receipt = { ...anchored, integrated_time: null, signed_entry_timestamp: null };
    const untimestamped: Receipt = { ...pending, rfc3161_timestamp: null, timestamped_at: null };
    for (const r of [anchored, pending, v2, untimestamped]) {
      const wire = (m.responseDeserialize(m.responseSerialize({ receipt: toReceiptMsg(r), found: true })) as { receipt: never }).receipt;
      expect(fromReceiptMsg(wire)).toEqual(r);
    }
  });
});
