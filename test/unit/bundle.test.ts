import { createHash } from 'node:crypto';
import { assertBundleLatest, bundleFromJSON, bundleToJSON, isBundleWithPublicKey } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_V03_MEDIA_TYPE,
  formatKeyHint,
  matchReceiptBundle,
  parseKeyHint,
  toSigstoreBundle,
  type BundleInput,
} from '../../src/core/bundle/index.js';
import { toReceipt } from '../../src/core/receipts.js';
import type { LogEntry } from '../../src/ports/transparency-log.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');

const entry: LogEntry = {
  uuid: hex('leaf'),
  logIndex: 41,
  integratedTime: 1_700_000_000,
  logID: hex('log key'),
  body: Buffer.from('{"kind":"hashedrekord"}').toString('base64'),
  inclusionProof: {
    logIndex: 40,
    rootHash: hex('root'),
    treeSize: 42,
    hashes: [hex('a'), hex('b')],
    checkpoint: 'origin\n42\nroot\n\n— origin sig\n',
  },
  signedEntryTimestamp: Buffer.from('set').toString('base64'),
};
const input: BundleInput = {
  digestHex: hex('evidence'),
  signature: Buffer.from('3045deadbeef', 'hex'),
  keyId: 'afdp-notary-key',
  keyVersion: 3,
  entry,
};

describe('toSigstoreBundle', () => {
  it('renders the protobuf-specs JSON form: int64 as strings, bytes as base64, enums by name', () => {
    const b = toSigstoreBundle(input);
    expect(b).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        publicKey: { hint: 'afdp-notary-key:v3' },
        tlogEntries: [
          {
            logIndex: '41',
            logId: { keyId: b64(entry.logID) },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: '1700000000',
            inclusionPromise: { signedEntryTimestamp: entry.signedEntryTimestamp },
            inclusionProof: {
              logIndex: '40',
              rootHash: b64(entry.inclusionProof.rootHash),
              treeSize: '42',
              hashes: [b64(hex('a')), b64(hex('b'))],
              checkpoint: { envelope: entry.inclusionProof.checkpoint },
            },
            canonicalizedBody: entry.body,
          },
        ],
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: b64(input.digestHex) },
        signature: input.signature.toString('base64'),
      },
    });
    expect(Buffer.from(b.verificationMaterial.tlogEntries[0]!.logId.keyId, 'base64')).toHaveLength(32);
  });

  it('is read by @sigstore/bundle as a valid v0.3 public-key bundle, and written back identically', () => {
    const json = toSigstoreBundle(input);
    const parsed = bundleFromJSON(json);
    expect(() => assertBundleLatest(parsed)).not.toThrow();
    expect(parsed.mediaType).toBe(BUNDLE_V03_MEDIA_TYPE);
    expect(isBundleWithPublicKey(parsed)).toBe(true);
    const msg = parsed.content.$case === 'messageSignature' ? parsed.content.messageSignature : undefined;
    expect(msg?.messageDigest.algorithm).toBe(HashAlgorithm.SHA2_256);
    expect(msg?.messageDigest.digest.toString('hex')).toBe(input.digestHex);
    const tlog = parsed.verificationMaterial.tlogEntries[0]!;
    expect(tlog.logId.keyId.toString('hex')).toBe(entry.logID);
    expect(tlog.inclusionProof?.rootHash.toString('hex')).toBe(entry.inclusionProof.rootHash);
    expect(tlog.canonicalizedBody.toString('base64')).toBe(entry.body);
    // same field names and types as sigstore-js's own serializer (non-default values, so none are omitted)
    expect(bundleToJSON(parsed)).toEqual(json);
  });

  it('refuses entries whose hashes are not 32-byte hex, rather than emit a bundle no verifier accepts', () => {
    expect(() => toSigstoreBundle({ ...input, entry: { ...entry, logID: 'abc' } })).toThrow(/logID/);
    expect(() => toSigstoreBundle({ ...input, digestHex: 'xyz' })).toThrow(/digest/);
  });
});

describe('key hint', () => {
  it('names one key version and parses back, also for key ids with colons', () => {
    expect(formatKeyHint('afdp-notary-key', 12)).toBe('afdp-notary-key:v12');
    expect(parseKeyHint('afdp-notary-key:v12')).toEqual({ keyId: 'afdp-notary-key', version: 12 });
    expect(parseKeyHint('transit:keys:afdp:v2')).toEqual({ keyId: 'transit:keys:afdp', version: 2 });
    for (const bad of ['afdp', 'afdp:v0', 'afdp:v', ':v1', 'afdp:v1x', 'afdp:3']) expect(parseKeyHint(bad), bad).toBeUndefined();
  });
});

describe('toReceipt', () => {
  const workflow = {
    id: 'w',
    type: 'simple_sign' as const,
    status: 'completed' as const,
    evidence_package_hash: input.digestHex,
    created_at: '',
    updated_at: '',
    completed_at: '',
    error_message: null,
  };
  const signature = { keyId: 'afdp-notary-key', keyVersion: 3, signature: input.signature, publicKeyPem: 'PEM', signedAt: '' };

  it('carries the bundle once anchored, and null while anchoring is pending', () => {
    expect(toReceipt({ workflow, signature, anchor: { entry, logUrl: 'http://log' } }).bundle).toEqual(toSigstoreBundle(input));
    const pending = toReceipt({ workflow, signature, anchor: null });
    expect(pending.anchoring).toBe('pending');
    expect(pending.bundle).toBeNull();
  });
});

describe('matchReceiptBundle', () => {
  const receipt = {
    evidence_package_hash: input.digestHex,
    signature_b64: input.signature.toString('base64'),
    key_id: input.keyId,
    key_version: input.keyVersion,
    bundle: toSigstoreBundle(input) as unknown,
  };

  it('matches the bundle the receipt fields render to, and names the first field that differs', () => {
    expect(matchReceiptBundle(receipt, entry)).toEqual({ state: 'match', hint: 'afdp-notary-key:v3' });
    const b = toSigstoreBundle(input);
    b.verificationMaterial.tlogEntries[0]!.inclusionProof.hashes[1] = b64(hex('c'));
    expect(matchReceiptBundle({ ...receipt, bundle: b }, entry)).toEqual({
      state: 'mismatch',
      detail: 'bundle.verificationMaterial.tlogEntries[0].inclusionProof.hashes[1] differs from the receipt',
    });
    expect(matchReceiptBundle({ ...receipt, bundle: { ...b, extra: 1 } }, entry)).toMatchObject({ state: 'mismatch' });
    expect(matchReceiptBundle({ ...receipt, key_version: 4 }, entry)).toMatchObject({
      state: 'mismatch',
      detail: expect.stringContaining('hint'),
    });
  });

  it('tells older and pending receipts apart from a bundle without an entry', () => {
    const { bundle: _, ...old } = receipt;
    expect(matchReceiptBundle(old, entry)).toEqual({ state: 'absent' });
    expect(matchReceiptBundle({ ...receipt, bundle: null }, undefined)).toEqual({ state: 'pending' });
    expect(matchReceiptBundle(receipt, undefined)).toMatchObject({ state: 'mismatch' });
  });
});
