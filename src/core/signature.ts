import { verify, type KeyObject } from 'node:crypto';

/**
 * ECDSA/SHA-256 verification that answers false instead of throwing: a malformed signature or key
 * in an untrusted receipt is a failed check, not an error.
 */
export function verifiesSha256(data: Uint8Array, key: KeyObject | string, signature: Uint8Array): boolean {
  try {
    return signature.length > 0 && verify('sha256', data, key, signature);
  } catch {
    return false;
  }
}
