/** AES-256-GCM as both evidence ciphers store it (the local KEK's and Vault's data keys alike). */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV = 12;
const TAG = 16;

/** AES-256-GCM as iv | tag | ciphertext, with associated data. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

/** undefined when the tag or the associated data does not match */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer | undefined {
  if (sealed.length < IV + TAG) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The body names its evidence hash: a body moved to another row does not open. */
export const bodyAad = (hashHex: string) => `afdp-evidence-body:${hashHex}`;
