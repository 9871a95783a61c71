import { describe, expect, it } from 'vitest';
import { assertSigningKey, parseVaultSignature, toBase64Digest, toPublicKeyVersions } from '../../src/adapters/signer/vault/mappers.js';
import type { TransitKeyData } from '../../src/adapters/signer/vault/transit-client.js';

const pem = (n: number) => `-----BEGIN PUBLIC KEY-----\nKEY${n}\n-----END PUBLIC KEY-----\n`;

describe('vault mappers', () => {
  it('parses vault:vN:<base64> signatures', () => {
    const der = Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]);
    expect(parseVaultSignature(`vault:v12:${der.toString('base64')}`)).toEqual({ version: 12, der });
    expect(parseVaultSignature('vault:v0:AAAA')).toBeUndefined();
    expect(parseVaultSignature('vault:vx:AAAA')).toBeUndefined();
    expect(parseVaultSignature('v1:AAAA')).toBeUndefined();
    expect(parseVaultSignature('vault:v1:not base64!')).toBeUndefined();
  });

  it('lists asymmetric key versions oldest first with UTC RFC 3339 times', () => {
    const data: TransitKeyData = {
      name: 'k',
      type: 'ecdsa-p256',
      keys: {
        '10': { public_key: pem(10), creation_time: '2024-05-01T12:00:00.123456789+02:00' },
        '2': { public_key: pem(2), creation_time: '2024-01-01T00:00:00Z' },
      },
    };
    expect(toPublicKeyVersions('k', data)).toEqual([
      { keyId: 'k', version: 2, algorithm: 'ecdsa-p256', publicKeyPem: pem(2), createdAt: '2024-01-01T00:00:00.000Z' },
      { keyId: 'k', version: 10, algorithm: 'ecdsa-p256', publicKeyPem: pem(10), createdAt: '2024-05-01T10:00:00.123Z' },
    ]);
  });

  it('refuses keys that are neither ecdsa-p256 nor ecdsa-p384, naming the key and its type', () => {
    const aes: TransitKeyData = { name: 'k', type: 'aes256-gcm96', keys: { '1': 1442851412 } };
    expect(() => assertSigningKey(aes, 'afdp-notary-key')).toThrow(/"afdp-notary-key".*"aes256-gcm96"/);
    expect(toPublicKeyVersions('k', aes)).toEqual([]);
    expect(() => assertSigningKey({ ...aes, type: 'ecdsa-p521' }, 'k')).toThrow(/"ecdsa-p521"/);
    expect(assertSigningKey({ ...aes, type: 'ecdsa-p384' }, 'k')).toBe('ecdsa-p384');
  });

  it('labels every version of an ecdsa-p384 key as P-384', () => {
    const data: TransitKeyData = {
      name: 'k',
      type: 'ecdsa-p384',
      keys: { '1': { name: 'P-384', public_key: pem(1), creation_time: '2024-01-01T00:00:00Z' } },
    };
    expect(toPublicKeyVersions('k', data).map((v) => v.algorithm)).toEqual(['ecdsa-p384']);
  });

  it('base64-encodes exactly 32-byte digests (48 for P-384), including subarray views', () => {
    const backing = new Uint8Array(60).fill(7);
    expect(Buffer.from(toBase64Digest(backing.subarray(4, 36)), 'base64')).toHaveLength(32);
    expect(() => toBase64Digest(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(Buffer.from(toBase64Digest(backing.subarray(4, 52), 'ecdsa-p384'), 'base64')).toHaveLength(48);
    expect(() => toBase64Digest(new Uint8Array(32), 'ecdsa-p384')).toThrow(/48 bytes/);
  });
});
