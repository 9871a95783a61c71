import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../../core/signing-algorithm.js';
import type { PublicKeyVersion } from '../../../ports/key-signer.js';
import type { TransitAsymKey, TransitKeyData } from './transit-client.js';

/** Vault's transit key types are named like our algorithms: ecdsa-p256, ecdsa-p384. */
export const SIGNING_KEY_TYPES: readonly SigningAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384'];

/** `vault:v3:MEUCIQ…` → version 3 and the DER bytes; undefined when it is not that shape. */
export function parseVaultSignature(value: string): { version: number; der: Buffer } | undefined {
  const m = /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m) return undefined;
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  return { version, der: Buffer.from(m[2], 'base64') };
}

/** Refuses anything but P-256 or P-384 ECDSA: the receipts promise one of them. Returns which. */
export function assertSigningKey(data: TransitKeyData, keyName: string): SigningAlgorithm {
  if (!isSigningAlgorithm(data.type)) {
    throw new Error(`Vault transit key "${keyName}" has type "${data.type}"; the notary needs an "ecdsa-p256" or "ecdsa-p384" key`);
  }
  return data.type;
}

/** Every version with its PEM public key, oldest first; a transit key's type is the same for every version. */
export function toPublicKeyVersions(keyId: string, data: TransitKeyData): PublicKeyVersion[] {
  if (!isSigningAlgorithm(data.type)) return [];
  const algorithm = data.type;
  return Object.entries(data.keys)
    .filter((entry): entry is [string, TransitAsymKey] => typeof entry[1] === 'object' && !!entry[1]?.public_key)
    .map(([version, k]) => ({
      keyId,
      version: Number(version),
      algorithm,
      publicKeyPem: k.public_key,
      createdAt: toRfc3339(k.creation_time),
    }))
    .sort((a, b) => a.version - b.version);
}

export function toBase64Digest(digest: Uint8Array, algorithm: SigningAlgorithm = 'ecdsa-p256'): string {
  const { hash, digestBytes } = SIGNING_ALGORITHMS[algorithm];
  if (digest.length !== digestBytes) throw new Error(`${hash} digest must be ${digestBytes} bytes, got ${digest.length}`);
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}

/** Go prints nanoseconds and local offsets; normalise to the UTC form used elsewhere. */
function toRfc3339(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}
