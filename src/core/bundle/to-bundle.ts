/** Builds the Sigstore bundle of one notarization from the same facts the receipt is made of. */
import type { SignedDigest } from '../../ports/evidence-store.js';
import type { LogEntry } from '../../ports/transparency-log.js';
import { specOfHash } from '../signing-algorithm.js';
import { isV2 } from '../transparency/hashedrekord.js';
import { BUNDLE_V03_MEDIA_TYPE, type BundleTlogEntry, type SigstoreBundle } from './types.js';

export interface BundleInput {
  /** lowercase hex SHA-256 of the canonical evidence bytes */
  digestHex: string;
  /** what the signature covers when it is not that SHA-256 (SHA-384 for a P-384 key) */
  signedDigest?: SignedDigest;
  signature: Buffer; // DER
  keyId: string;
  keyVersion: number;
  /** the anchored log entry; a bundle is only made once the signature is anchored */
  entry: LogEntry;
  /** DER TimeStampResp over the signature */
  timestamp?: Buffer;
}

const hexToB64 = (hex: string, what: string, bytes = 32): string => {
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i').test(hex)) throw new Error(`${what} is not ${bytes}-byte hex`);
  return Buffer.from(hex, 'hex').toString('base64');
};

/** The bundle's messageDigest: SHA2_256 of the evidence, or the digest a P-384 key signed. */
function messageDigest(input: BundleInput): { algorithm: 'SHA2_256' | 'SHA2_384'; digest: string } {
  if (!input.signedDigest) return { algorithm: 'SHA2_256', digest: hexToB64(input.digestHex, 'digest') };
  const spec = specOfHash(input.signedDigest.hash);
  if (!spec) throw new Error(`no Sigstore hash algorithm for ${input.signedDigest.hash}`);
  return { algorithm: spec.bundleHash, digest: hexToB64(input.signedDigest.hex, 'digest', spec.digestBytes) };
}

/** `${keyId}:v${version}`: the trust root publishes every version, so the hint names exactly one. */
export function formatKeyHint(keyId: string, version: number): string {
  return `${keyId}:v${version}`;
}

/** Splits at the last `:v`, so key ids that contain colons (Vault paths) still parse. */
export function parseKeyHint(hint: string): { keyId: string; version: number } | undefined {
  const m = /^(.+):v([1-9][0-9]*)$/.exec(hint);
  if (!m || !Number.isSafeInteger(Number(m[2]))) return undefined;
  return { keyId: m[1], version: Number(m[2]) };
}

export function toSigstoreBundle(input: BundleInput): SigstoreBundle {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: formatKeyHint(input.keyId, input.keyVersion) },
      tlogEntries: [toTlogEntry(input.entry)],
      ...(input.timestamp && {
        timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp: input.timestamp.toString('base64') }] },
      }),
    },
    messageSignature: {
      messageDigest: messageDigest(input),
      signature: input.signature.toString('base64'),
    },
  };
}

function toTlogEntry(e: LogEntry): BundleTlogEntry {
  const p = e.inclusionProof;
  const v2 = isV2(e);
  if (!v2 && (e.signedEntryTimestamp === undefined || e.integratedTime === undefined))
    throw new Error('a hashedrekord 0.0.1 entry without SET');
  return {
    logIndex: String(e.logIndex),
    logId: { keyId: hexToB64(e.logID, 'logID') },
    kindVersion: { kind: 'hashedrekord', version: v2 ? '0.0.2' : '0.0.1' },
    ...(!v2 && { integratedTime: String(e.integratedTime), inclusionPromise: { signedEntryTimestamp: e.signedEntryTimestamp! } }),
    inclusionProof: {
      logIndex: String(p.logIndex),
      rootHash: hexToB64(p.rootHash, 'rootHash'),
      treeSize: String(p.treeSize),
      hashes: p.hashes.map((h) => hexToB64(h, 'proof hash')),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: e.body,
  };
}
