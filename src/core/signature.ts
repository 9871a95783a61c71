import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { algorithmOfKey, SIGNING_ALGORITHMS } from './signing-algorithm.js';

/**
 * ECDSA verification with the digest the key's curve calls for (P-256: SHA-256, P-384: SHA-384),
 * answering false instead of throwing: a malformed signature or key in an untrusted receipt is a
 * failed check, not an error.
 */
export function verifiesWithKey(data: Uint8Array, key: KeyObject | string, signature: Uint8Array): boolean {
  try {
    const k = typeof key === 'string' ? createPublicKey(key) : key;
    return signature.length > 0 && verify(SIGNING_ALGORITHMS[algorithmOfKey(k)].hash, data, k, signature);
  } catch {
    return false;
  }
}
