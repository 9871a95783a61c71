/** The PKCS#11 adapter's pure parts: signature encoding, key labels and times, public keys, settings, the optional binding. */
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPkcs11Binding, Pkcs11StartError } from '../../src/adapters/signer/pkcs11/binding.js';
import { createdAtOf, CURVES, publicKeyPem, rawToDer, versionOf } from '../../src/adapters/signer/pkcs11/keys.js';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.js';
import { tempDir } from '../support/databases.js';
import { configErrorOf } from '../support/config-errors.js';

describe('PKCS#11 mappers', () => {
  for (const curve of CURVES) {
    it(`CKM_ECDSA's raw r||s becomes DER that Node verifies (${curve.name}), whatever leading zeros r and s have`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve.name });
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (data) => {
          const raw = sign(curve.hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
          const der = rawToDer(raw, curve);
          expect(verify(curve.hash, data, publicKey, der)).toBe(true);
        }),
        { numRuns: 50 },
      );
      // r with its high bit set needs a 0x00 pad; r with leading zero bytes loses them
      const padded = Buffer.concat([Buffer.alloc(curve.size, 0xff), Buffer.concat([Buffer.alloc(3), Buffer.alloc(curve.size - 3, 1)])]);
      const der = rawToDer(padded, curve);
      expect(der.subarray(2, 5)).toEqual(Buffer.of(0x02, curve.size + 1, 0x00));
      expect(der.at(-(curve.size - 3) - 1)).toBe(curve.size - 3);
      expect(() => rawToDer(Buffer.alloc(curve.size), curve)).toThrow();
    });

    it(`CKA_EC_POINT, with or without its OCTET STRING wrapper, gives the key's SPKI (${curve.name})`, () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve.name });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      const wrapped = Buffer.concat([point.length > 127 ? Buffer.of(4, 0x81, point.length) : Buffer.of(4, point.length), point]);
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(publicKeyPem(wrapped, curve)).toBe(pem);
      expect(publicKeyPem(point, curve)).toBe(pem);
      expect(() => publicKeyPem(point.subarray(1), curve)).toThrow();
    });
  }

  it('versions come from the label suffix -vN, creation times from an RFC 3339 CKA_ID', () => {
    expect(versionOf('notary-signing-v3', 'notary-signing')).toBe(3);
    for (const other of [
      'notary-signing',
      'notary-signing-v0',
      'notary-signing-v03',
      'notary-signing-v3x',
      'other-v1',
      'notary-signing-vv1',
    ]) {
      expect(versionOf(other, 'notary-signing')).toBeUndefined();
    }
    expect(createdAtOf(Buffer.from('2026-12-02T00:30:05Z'))).toBe('2026-12-02T00:30:05.000Z');
    expect(createdAtOf(Buffer.from('2026-12-02T00:30:05.123Z'))).toBe('2026-12-02T00:30:05.123Z');
    expect(createdAtOf(Buffer.from('01', 'hex'))).toBeUndefined();
    expect(createdAtOf(Buffer.from('2026-13-40T00:00:00Z'))).toBeUndefined();
  });

  it('the curve decides the digest: SHA-256 for P-256, SHA-384 for P-384', async () => {
    const { digestFor } = await import('../../src/core/signing-algorithm.js');
    const canonical = Buffer.from('{"a":1}');
    expect(digestFor(CURVES[0]!.algorithm, canonical)).toEqual(createHash('sha256').update(canonical).digest());
    expect(digestFor(CURVES[1]!.algorithm, canonical)).toEqual(createHash('sha384').update(canonical).digest());
  });
});

describe('PKCS#11 settings', () => {
  const base = {
    NOTARY_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
    NOTARY_PKCS11_TOKEN_LABEL: 'notary',
    NOTARY_PKCS11_PIN: 's3cret-PIN-77',
  };
  const errorOf = configErrorOf;

  it('reads the module, token, PIN (env or file) and key label; the PIN is not in the described config', () => {
    const c = loadConfig(base);
    expect(c.pkcs11).toMatchObject({
      module: base.NOTARY_PKCS11_MODULE,
      tokenLabel: 'notary',
      pin: 's3cret-PIN-77',
      keyLabel: 'afdp-notary-signing',
      sessions: 4,
      rescanMs: 60_000,
      createKey: false,
    });
    expect(JSON.stringify(describeConfig(c))).not.toContain('s3cret-PIN-77');
    expect(JSON.stringify(describeConfig(c))).toContain('pkcs11');
    const file = join(tempDir(), 'pin');
    writeFileSync(file, 'file-PIN-88\n');
    const { NOTARY_PKCS11_PIN: _, ...noPin } = base;
    expect(
      loadConfig({ ...noPin, NOTARY_PKCS11_PIN_FILE: file, NOTARY_PKCS11_SLOT: '7', NOTARY_PKCS11_TOKEN_LABEL: '' }).pkcs11,
    ).toMatchObject({ pin: 'file-PIN-88', slot: 7 });
  });

  it('refuses ambiguous or incomplete settings without echoing the PIN', () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...base, VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 't' }, 'NOTARY_PKCS11_MODULE'],
      [{ ...base, NOTARY_PKCS11_SLOT: '1' }, 'NOTARY_PKCS11_TOKEN_LABEL'],
      [{ ...base, NOTARY_PKCS11_TOKEN_LABEL: '' }, 'NOTARY_PKCS11_TOKEN_LABEL'],
      [{ ...base, NOTARY_PKCS11_PIN: '' }, 'NOTARY_PKCS11_PIN'],
      [{ ...base, NOTARY_PKCS11_PIN_FILE: '/nonexistent' }, 'NOTARY_PKCS11_PIN'],
      [{ ...base, NOTARY_PKCS11_KEY_LABEL: 'has space' }, 'NOTARY_PKCS11_KEY_LABEL'],
      [{ ...base, NOTARY_PKCS11_SESSIONS: '0' }, 'NOTARY_PKCS11_SESSIONS'],
    ];
    for (const [env, variable] of cases) {
      const err = errorOf(env);
      expect(err, variable).toBeInstanceOf(ConfigError);
      expect(err!.variable).toBe(variable);
      expect(err!.message).not.toContain('s3cret-PIN-77');
    }
  });
});

describe('the optional pkcs11js binding', () => {
  it('its absence is a start-up error with its own code', async () => {
    const err = await loadPkcs11Binding(async () => {
      throw new Error("Cannot find package 'pkcs11js'");
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Pkcs11StartError);
    expect((err as Pkcs11StartError).code).toBe('binding_missing');
    const wrong = await loadPkcs11Binding(async () => ({ default: {} })).catch((e: unknown) => e);
    expect((wrong as Pkcs11StartError).code).toBe('binding_missing');
  });
});
