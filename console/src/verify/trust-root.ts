/**
 * The trust root the user pinned: the JSON of GET /api/v1/trust-root (or `afdp-notary trust-root`),
 * pasted or loaded once and kept in this browser's localStorage. Everything the console verifies is
 * checked against it, never against keys the server or a receipt hands over at verification time.
 * Its fingerprint (SHA-256 of its RFC 8785 bytes) is what to compare out of band.
 */
import { canonicalBytes } from '../../../src/core/canonical.js';
import { importPublicKey, sha256, toHex, type VerifyKey } from './webcrypto.js';

export interface SigningKey {
  keyId: string;
  version: number;
  createdAt: string;
  publicKeyPem: string;
  key: VerifyKey;
}

export interface TrustedLog {
  logId: string;
  url: string;
  origin: string;
  publicKeyPem: string;
  key: VerifyKey;
  /** Rekor API generation: 1 (and the embedded log) or 2; trust roots from before v2 say nothing: 1 */
  apiVersion: 1 | 2;
  /** the name on the log's checkpoint signature lines (an Ed25519 key ID commits to it) */
  keyName: string;
}

export interface TrustRoot {
  keys: SigningKey[];
  log: TrustedLog;
  /** lowercase hex SHA-256 of the RFC 8785 form of the pinned JSON */
  fingerprint: string;
  /** the JSON as pinned */
  json: Record<string, unknown>;
}

export interface PinnedRecord {
  json: Record<string, unknown>;
  pinnedAt: string;
  /** where it came from: a file name, "pasted", or the URL it was fetched from */
  source: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const STORAGE_KEY = 'afdp-console.trust-root';

/** Reads a trust root as the offline CLI does (src/cli/inputs.ts), importing each key with WebCrypto. */
export async function readTrustRoot(value: unknown): Promise<TrustRoot> {
  if (!isObject(value) || !Array.isArray(value.signing_keys) || !isObject(value.transparency_log)) {
    throw new Error('not a trust root (expected signing_keys[] and transparency_log, as GET /api/v1/trust-root answers)');
  }
  const keys: SigningKey[] = [];
  for (const k of value.signing_keys as unknown[]) {
    if (!isObject(k) || typeof k.version !== 'number' || typeof k.public_key_pem !== 'string')
      throw new Error('every signing key needs version and public_key_pem');
    const key = await importPublicKey(k.public_key_pem).catch((err: Error) => {
      throw new Error(`signing key v${String(k.version)}: ${err.message}`);
    });
    if (key.kind === 'ed25519') throw new Error(`signing key v${k.version} is not ECDSA P-256 or P-384`);
    keys.push({
      keyId: String(k.key_id ?? ''),
      version: k.version,
      createdAt: String(k.created_at ?? ''),
      publicKeyPem: k.public_key_pem,
      key,
    });
  }
  const t = value.transparency_log;
  if (typeof t.public_key_pem !== 'string') throw new Error('transparency_log.public_key_pem is missing');
  const logKey = await importPublicKey(t.public_key_pem).catch((err: Error) => {
    throw new Error(`transparency_log.public_key_pem: ${err.message}`);
  });
  const origin = String(t.origin ?? '');
  const log: TrustedLog = {
    logId: String(t.log_id ?? ''),
    url: String(t.url ?? ''),
    origin,
    publicKeyPem: t.public_key_pem,
    key: logKey,
    apiVersion: t.api_version === 2 ? 2 : 1,
    keyName: typeof t.key_name === 'string' ? t.key_name : origin,
  };
  return { keys, log, fingerprint: toHex(await sha256(canonicalBytes(value))), json: value };
}

/** 64 hex digits in groups of four, easier to read aloud and compare. */
export const groupFingerprint = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

export function loadPinned(storage: Storage = localStorage): PinnedRecord | undefined {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    const rec = raw ? (JSON.parse(raw) as PinnedRecord) : undefined;
    return rec && isObject(rec.json) ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function savePinned(rec: PinnedRecord, storage: Storage = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(rec));
}

export function forgetPinned(storage: Storage = localStorage): void {
  storage.removeItem(STORAGE_KEY);
}
