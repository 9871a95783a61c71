/** Builds the Sigstore bundle of one notarization from the same facts the receipt is made of. */
import type { LogEntry } from '../../ports/transparency-log.js';
import { isV2 } from '../transparency/verify-entry.js';
import { BUNDLE_V03_MEDIA_TYPE, type BundleTlogEntry, type SigstoreBundle } from './types.js';

export interface BundleInput {
  /** lowercase hex SHA-256 of the canonical evidence bytes */
  digestHex: string;
  signature: Buffer; // DER
  keyId: string;
  keyVersion: number;
  /** the anchored log entry; a bundle is only made once the signature is anchored */
  entry: LogEntry;
  /** DER TimeStampResp over the signature */
  timestamp?: Buffer;
}

const HEX32 = /^[0-9a-f]{64}$/i;
const hexToB64 = (hex: string, what: string): string => {
  if (!HEX32.test(hex)) throw new Error(`${what} is not 32-byte hex`);
  return Buffer.from(hex, 'hex').toString('base64');
};

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
      ...(input.timestamp && { timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp: input.timestamp.toString('base64') }] } }),
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: hexToB64(input.digestHex, 'digest') },
      signature: input.signature.toString('base64'),
    },
  };
}

function toTlogEntry(e: LogEntry): BundleTlogEntry {
  const p = e.inclusionProof;
  const v2 = isV2(e);
  if (!v2 && (e.signedEntryTimestamp === undefined || e.integratedTime === undefined)) throw new Error('a hashedrekord 0.0.1 entry without SET');
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
