import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** SPKI (PKIX) DER of a key's public half; private keys are reduced to their public key first. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** Rekor's log ID: lowercase hex SHA-256 of the log key's SPKI DER. */
export function logIdFromPublicKey(key: KeyObject): string {
  return createHash('sha256').update(spkiDer(key)).digest('hex');
}
