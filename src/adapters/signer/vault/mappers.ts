import type { PublicKeyVersion } from '../../../ports/key-signer.js';
import type { TransitAsymKey, TransitKeyData } from './transit-client.js';

export const REQUIRED_KEY_TYPE = 'ecdsa-p256';

/** `vault:v3:MEUCIQ…` → version 3 and the DER bytes; undefined when it is not that shape. */
export function parseVaultSignature(value: string): { version: number; der: Buffer } | undefined {
  const m = /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m) return undefined;
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  return { version, der: Buffer.from(m[2], 'base64') };
}

/** Refuses anything but P-256 ECDSA: the receipts promise exactly that algorithm. */
export function assertSigningKey(data: TransitKeyData, keyName: string): void {
  if (data.type !== REQUIRED_KEY_TYPE) {
    throw new Error(
      `Vault transit key "${keyName}" has type "${data.type}"; the notary needs a "${REQUIRED_KEY_TYPE}" key`,
    );
  }
}

/** Every version with its PEM public key, oldest first. */
export function toPublicKeyVersions(keyId: string, data: TransitKeyData): PublicKeyVersion[] {
  return Object.entries(data.keys)
    .filter((entry): entry is [string, TransitAsymKey] => typeof entry[1] === 'object' && !!entry[1]?.public_key)
    .map(([version, k]) => ({
      keyId,
      version: Number(version),
      algorithm: 'ecdsa-p256' as const,
      publicKeyPem: k.public_key,
      createdAt: toRfc3339(k.creation_time),
    }))
    .sort((a, b) => a.version - b.version);
}

export function toBase64Digest(digest: Uint8Array): string {
  if (digest.length !== 32) throw new Error(`SHA-256 digest must be 32 bytes, got ${digest.length}`);
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}

/** Go prints nanoseconds and local offsets; normalise to the UTC form used elsewhere. */
function toRfc3339(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}
