import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Sealed {
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface KekSource {
  passphrase?: string;
  /** used when no passphrase is given: created 0600 on first start */
  keyFile: string;
}

export interface ScryptParams {
  salt: string;
  N: number;
  r: number;
  p: number;
}

export const newScryptParams = (): ScryptParams => ({ salt: randomBytes(16).toString('base64'), N: 1 << 15, r: 8, p: 1 });

/** The key-encryption key: scrypt(passphrase) or a random key kept in a 0600 file. */
export function loadKek(source: KekSource, params: ScryptParams): Buffer {
  if (source.passphrase) {
    const { salt, N, r, p } = params;
    return scryptSync(source.passphrase, Buffer.from(salt, 'base64'), 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  }
  if (!existsSync(source.keyFile)) {
    writeFileSync(source.keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const kek = Buffer.from(readFileSync(source.keyFile, 'utf8').trim(), 'base64');
  if (kek.length !== 32) throw new Error(`keyring key file ${source.keyFile} does not hold a 32-byte base64 key`);
  return kek;
}

/** AES-256-GCM with associated data, so a sealed key cannot be swapped for another version's. */
export function seal(kek: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function unseal(kek: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    // never echo key material; the usual cause is a changed passphrase
    throw new Error('cannot decrypt the keyring: wrong NOTARY_KEYRING_PASSPHRASE or key file');
  }
}
