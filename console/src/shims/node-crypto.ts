/**
 * node:crypto for the console's bundle of src/core. The core's Merkle proofs, entry UUIDs and
 * canonical bytes hash synchronously; WebCrypto cannot, so SHA-256 (and SHA-384) come from @noble/hashes.
 * Signatures are never checked through this module: console/src/verify does them with WebCrypto,
 * and everything else here throws if the bundle ever reaches it.
 */
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

class Sha256 {
  constructor(private readonly h: { update(b: Uint8Array): unknown; digest(): Uint8Array } = sha256.create()) {}
  update(data: Uint8Array | string): this {
    this.h.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }
  digest(): Buffer;
  digest(encoding: 'hex' | 'base64'): string;
  digest(encoding?: 'hex' | 'base64'): Buffer | string {
    const out = Buffer.from(this.h.digest());
    return encoding ? out.toString(encoding) : out;
  }
}

export function createHash(algorithm: string): Sha256 {
  if (algorithm === 'sha384') return new Sha256(sha384.create());
  if (algorithm !== 'sha256') throw new Error(`only sha256 and sha384 are available in the browser, not ${algorithm}`);
  return new Sha256();
}

const unavailable = (name: string) => (): never => {
  throw new Error(`node:crypto ${name} is not available in the browser (the console checks signatures with WebCrypto)`);
};
export const createPublicKey = unavailable('createPublicKey');
export const createPrivateKey = unavailable('createPrivateKey');
export const sign = unavailable('sign');
export const verify = unavailable('verify');
export const randomUUID = (): string => globalThis.crypto.randomUUID();
export type KeyObject = never;
/** Only referenced by code paths the console does not take (Rekor v2 certificate bodies). */
export class X509Certificate {
  constructor() {
    unavailable('X509Certificate')();
  }
}
