/** What a hashedrekord entry of either version (0.0.1, 0.0.2) says, and the digest rule both share. */
import { specOfHash, type HashName } from '../signing-algorithm.js';

export interface HashedRekordFields {
  digestHex: string;
  /** absent: sha256 (a P-256 key); sha384 for a P-384 key */
  hashAlgorithm?: HashName;
  signature: Buffer; // DER
  publicKeyPem: string; // PEM public key or certificate, as submitted
}

/** The digest's hash, checked against its length: 64 lowercase hex for sha256, 96 for sha384. */
export function checkedDigest(f: Pick<HashedRekordFields, 'digestHex' | 'hashAlgorithm'>): HashName {
  const hash = f.hashAlgorithm ?? 'sha256';
  const spec = specOfHash(hash);
  if (!spec || !new RegExp(`^[0-9a-f]{${spec.digestBytes * 2}}$`).test(f.digestHex)) {
    throw new Error(`digestHex must be ${(spec?.digestBytes ?? 32) * 2} lowercase hex characters of ${hash}`);
  }
  return hash;
}
