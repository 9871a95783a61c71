import { createHash, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDigestP256 } from '../support/vault-server.js';
import { generateP256KeyPair } from '../../src/core/keys.js';

describe('test Vault server: ECDSA P-256 over a precomputed digest', () => {
  it('produces DER signatures that crypto.verify accepts over the original data', () => {
    const { privateKey, publicKey } = generateP256KeyPair();
    for (let i = 0; i < 40; i++) {
      const data = Buffer.from(`evidence package #${i} ${'x'.repeat(i * 7)}`);
      const digest = createHash('sha256').update(data).digest();
      const sig = signDigestP256(privateKey, digest);
      expect(sig[0]).toBe(0x30);
      expect(verify('sha256', data, publicKey, sig)).toBe(true);
      expect(verify('sha256', Buffer.concat([data, Buffer.from('!')]), publicKey, sig)).toBe(false);
    }
  });

  it('does not verify under another key', () => {
    const a = generateP256KeyPair();
    const b = generateP256KeyPair();
    const data = Buffer.from('x');
    const sig = signDigestP256(a.privateKey, createHash('sha256').update(data).digest());
    expect(verify('sha256', data, b.publicKey, sig)).toBe(false);
  });
});
