/**
 * Signed-note keys (c2sp.org/signed-note) of the kinds transparency logs use: Ed25519 (the C2SP
 * type, Rekor v2 and witnesses) and ECDSA (Rekor v1 and v2). The key ID is what a signature line's
 * first 4 bytes repeat and what Rekor v2 publishes as the log ID:
 *   Ed25519: SHA-256(name || 0x0A || 0x01 || 32-byte public key)
 *   ECDSA:   SHA-256(SubjectPublicKeyInfo DER)   (Rekor's convention; no name, no type byte)
 * The ECDSA form is also Rekor's log ID (logIdFromPublicKey).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** SPKI (PKIX) DER of a key's public half; private keys are reduced to their public key first. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** Rekor's log ID: lowercase hex SHA-256 of the log key's SPKI DER. */
export function logIdFromPublicKey(key: KeyObject): string {
  return createHash('sha256').update(spkiDer(key)).digest('hex');
}

export interface NoteKey {
  name: string;
  algorithm: 'ed25519' | 'ecdsa';
  /** the full key ID; its first 4 bytes are the signature-line key hint */
  id: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
}

const ECDSA_DIGESTS: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

export function noteKey(key: KeyObject, name: string): NoteKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType === 'ed25519') {
    const raw = Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url');
    const id = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([0x01]), raw]))
      .digest();
    return { name, algorithm: 'ed25519', id, verify: (m, s) => safe(() => s.length === 64 && verify(null, m, pub, s)) };
  }
  const digest = pub.asymmetricKeyType === 'ec' ? ECDSA_DIGESTS[pub.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!digest) throw new Error(`unsupported checkpoint key type ${pub.asymmetricKeyType} (Ed25519 or ECDSA P-256/384/521)`);
  const id = createHash('sha256').update(spkiDer(pub)).digest();
  return { name, algorithm: 'ecdsa', id, verify: (m, s) => safe(() => s.length > 0 && verify(digest, m, pub, s)) };
}

/** The signature bytes of a note line for this private key (Ed25519: pure; ECDSA: DER over the hash). */
export function signNoteBody(body: Buffer, privateKey: KeyObject): Buffer {
  if (privateKey.asymmetricKeyType === 'ed25519') return sign(null, body, privateKey);
  return sign(ECDSA_DIGESTS[privateKey.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'sha256', body, privateKey);
}

/** C2SP vkey form of an Ed25519 note key (what witness configurations take): name+hint+base64(0x01||key). */
export function vkey(key: KeyObject, name: string): string {
  const k = noteKey(key, name);
  if (k.algorithm !== 'ed25519') throw new Error('vkeys are defined for Ed25519 note keys');
  const raw = Buffer.from((key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }).x!, 'base64url');
  return `${name}+${k.id.subarray(0, 4).toString('hex')}+${Buffer.concat([Buffer.from([0x01]), raw]).toString('base64')}`;
}

function safe(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}
