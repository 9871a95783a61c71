import { sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateP256KeyPair } from '../../src/core/keys.js';

describe('generateP256KeyPair', () => {
  it('makes distinct P-256 keys that sign, verify, export and re-export as JWK', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { privateKey, publicKey } = generateP256KeyPair();
      expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      const sig = sign('sha256', Buffer.from(`m${i}`), privateKey);
      expect(verify('sha256', Buffer.from(`m${i}`), publicKey, sig)).toBe(true);
      expect(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url')).toHaveLength(32);
      seen.add(publicKey.export({ format: 'der', type: 'spki' }).toString('hex'));
    }
    expect(seen.size).toBe(200);
  });
});
