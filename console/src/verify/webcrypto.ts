/**
 * The browser's own cryptography (WebCrypto) for every signature the console checks: ECDSA P-256
 * with SHA-256 and P-384 with SHA-384 (receipt signatures; SETs and checkpoints are P-256) and
 * Ed25519 (C2SP checkpoint keys).
 */
import { parseDerSignature } from '../../../src/core/transparency/ecdsa-digest.js';

export type KeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519';

/** Per ECDSA curve: WebCrypto's digest, and the size of r and s in IEEE P1363 form. */
const ECDSA: Record<'ecdsa-p256' | 'ecdsa-p384', { hash: 'SHA-256' | 'SHA-384'; size: number }> = {
  'ecdsa-p256': { hash: 'SHA-256', size: 32 },
  'ecdsa-p384': { hash: 'SHA-384', size: 48 },
};

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

/** Imports an SPKI PEM as an ECDSA P-256, P-384 or an Ed25519 verification key. */
export async function importPublicKey(pem: string): Promise<VerifyKey> {
  const spki = pemToDer(pem);
  const tries: [KeyKind, EcKeyImportParams | Algorithm][] = [
    ['ecdsa-p256', { name: 'ECDSA', namedCurve: 'P-256' }],
    ['ecdsa-p384', { name: 'ECDSA', namedCurve: 'P-384' }],
    ['ed25519', { name: 'Ed25519' }],
  ];
  for (const [kind, algorithm] of tries) {
    try {
      return { kind, key: await subtle().importKey('spki', own(spki), algorithm, false, ['verify']), spki };
    } catch {
      // not this kind of key: try the next
    }
  }
  throw new Error('the key is neither ECDSA P-256, P-384 nor Ed25519');
}

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  return digest('SHA-256', data);
}

export async function digest(hash: 'SHA-256' | 'SHA-384', data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Uint8Array(await subtle().digest(hash, own(bytes)));
}

/** The digest an ECDSA key's signature covers: SHA-384 for P-384, else SHA-256. */
export const hashOf = (kind: KeyKind): 'SHA-256' | 'SHA-384' => (kind === 'ecdsa-p384' ? 'SHA-384' : 'SHA-256');

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** DER ECDSA signature → IEEE P1363 r || s (`size` bytes each), or undefined when it is not DER. */
function p1363(der: Uint8Array, size: number): Uint8Array | undefined {
  const rs = parseDerSignature(der);
  if (!rs) return undefined;
  const out = new Uint8Array(2 * size);
  for (const [i, n] of rs.entries()) {
    if (n <= 0n || n >= 1n << BigInt(8 * size)) return undefined;
    out.set(Buffer.from(n.toString(16).padStart(2 * size, '0'), 'hex'), i * size);
  }
  return out;
}

/**
 * Whether `signature` (DER for ECDSA, 64 bytes for Ed25519) is `key`'s over `data`; false, never
 * an exception, for a malformed signature: in an untrusted receipt that is a failed check.
 */
export async function verifySignature(key: VerifyKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (key.kind === 'ed25519')
      return signature.length === 64 && (await subtle().verify({ name: 'Ed25519' }, key.key, own(signature), own(data)));
    const { hash, size } = ECDSA[key.kind];
    const raw = p1363(signature, size);
    return raw !== undefined && (await subtle().verify({ name: 'ECDSA', hash }, key.key, own(raw), own(data)));
  } catch {
    return false;
  }
}
