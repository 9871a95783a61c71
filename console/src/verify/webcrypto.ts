/**
 * The browser's own cryptography (WebCrypto) for every signature the console checks: ECDSA P-256
 * with SHA-256 (receipt signatures, SETs, checkpoints) and Ed25519 (C2SP checkpoint keys).
 */
import { parseDerSignature } from '../../../src/core/transparency/p256.js';

export type KeyKind = 'ecdsa-p256' | 'ed25519';

export interface VerifyKey {
  kind: KeyKind;
  key: CryptoKey;
  /** SubjectPublicKeyInfo DER, as the PEM carried it */
  spki: Uint8Array;
}

/** A copy WebCrypto's types accept (Buffer and friends may sit on a shared or pooled ArrayBuffer). */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

const subtle = (): SubtleCrypto => {
  // WebCrypto exists only in secure contexts: https, or http on localhost
  if (!globalThis.crypto?.subtle) throw new Error('WebCrypto is unavailable: open the console over https (or on localhost)');
  return globalThis.crypto.subtle;
};

/** The DER inside a PEM `PUBLIC KEY` block. */
export function pemToDer(pem: string): Uint8Array {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw new Error('not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  return new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** Imports an SPKI PEM as an ECDSA P-256 or an Ed25519 verification key. */
export async function importPublicKey(pem: string): Promise<VerifyKey> {
  const spki = pemToDer(pem);
  const tries: [KeyKind, EcKeyImportParams | Algorithm][] = [['ecdsa-p256', { name: 'ECDSA', namedCurve: 'P-256' }], ['ed25519', { name: 'Ed25519' }]];
  for (const [kind, algorithm] of tries) {
    try {
      return { kind, key: await subtle().importKey('spki', own(spki), algorithm, false, ['verify']), spki };
    } catch {
      // not this kind of key: try the next
    }
  }
  throw new Error('the key is neither ECDSA P-256 nor Ed25519');
}

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Uint8Array(await subtle().digest('SHA-256', own(bytes)));
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** DER ECDSA signature → IEEE P1363 r || s (32 bytes each), or undefined when it is not DER. */
function p1363(der: Uint8Array): Uint8Array | undefined {
  const rs = parseDerSignature(der);
  if (!rs) return undefined;
  const out = new Uint8Array(64);
  for (const [i, n] of rs.entries()) {
    if (n <= 0n || n >= 1n << 256n) return undefined;
    out.set(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'), i * 32);
  }
  return out;
}

/**
 * Whether `signature` (DER for ECDSA, 64 bytes for Ed25519) is `key`'s over `data`; false, never
 * an exception, for a malformed signature: in an untrusted receipt that is a failed check.
 */
export async function verifySignature(key: VerifyKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (key.kind === 'ed25519') return signature.length === 64 && await subtle().verify({ name: 'Ed25519' }, key.key, own(signature), own(data));
    const raw = p1363(signature);
    return raw !== undefined && await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, key.key, own(raw), own(data));
  } catch {
    return false;
  }
}
