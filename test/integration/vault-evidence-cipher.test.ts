/**
 * VaultEvidenceCipher against the loopback Vault: how often Vault is asked (a window's data key is
 * fetched once however many bodies race for it; reads hit a bounded cache), what a wrong wrapped key
 * or a moved body is (an integrity error of that row), what Vault down is (unavailable), and the
 * loopback's transit wire format itself (errors as `{"errors":[…]}` with Vault's status codes).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createVaultEvidenceCipher,
  DEFAULT_DATA_KEY_POLICY,
  type DataKeyPolicy,
  type VaultEvidenceCipher,
} from '../../src/adapters/signer/vault/index.js';
import { EvidenceIntegrityError } from '../../src/ports/evidence-cipher.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const KEY = 'afdp-evidence';
const hash = () => randomBytes(32).toString('hex');
let vault: VaultServer;
let cipher: VaultEvidenceCipher | undefined;
const open = (policy: Partial<DataKeyPolicy> = {}) =>
  createVaultEvidenceCipher({
    addr: vault.url,
    mount: 'transit',
    key: KEY,
    auth: { method: 'token', token: vault.rootToken },
    createKey: true,
    retries: 0,
    breaker: { failureThreshold: 1000, resetMs: 1 },
    policy: { ...DEFAULT_DATA_KEY_POLICY, ...policy },
  });
const calls = (op: string) => vault.requests.filter((r) => r.path === `/v1/transit/${op}/${KEY}`).length;

beforeEach(async () => {
  vault = await startVaultServer();
});
afterEach(async () => {
  await cipher?.close();
  await vault.close();
});

describe('VaultEvidenceCipher', () => {
  it('asks Vault for one data key per window, however many bodies race for it, and reads from the cache', async () => {
    cipher = await open({ windowUses: 100 });
    const bodies = Array.from({ length: 250 }, (_, i) => ({ h: hash(), plain: Buffer.from(`body ${i}`) }));
    const sealed = await Promise.all(bodies.map((b) => cipher!.seal(b.h, b.plain)));
    expect(calls('datakey/wrapped')).toBe(3); // 250 bodies, 100 per window
    expect(new Set(sealed.map((s) => s.wrappedKey)).size).toBe(3);
    for (const [i, s] of sealed.entries()) expect(await cipher.open(bodies[i]!.h, s)).toEqual(bodies[i]!.plain);
    expect(calls('decrypt')).toBe(3); // each window's key unwrapped once, when it was made
  });

  it('keeps at most cacheSize unwrapped keys: an evicted one is asked of Vault again, once for concurrent readers', async () => {
    cipher = await open({ windowUses: 1, cacheSize: 2 });
    const [a, b, c] = [hash(), hash(), hash()];
    const sa = await cipher.seal(a, Buffer.from('a'));
    await cipher.seal(b, Buffer.from('b'));
    await cipher.seal(c, Buffer.from('c'));
    const before = calls('decrypt');
    const reads = await Promise.all(Array.from({ length: 20 }, () => cipher!.open(a, sa)));
    expect(reads.every((r) => r.equals(Buffer.from('a')))).toBe(true);
    expect(calls('decrypt')).toBe(before + 1);
  });

  it('refuses a body moved to another row, a flipped byte, and a wrapped key Vault cannot unwrap as integrity errors', async () => {
    cipher = await open();
    const h = hash();
    const s = await cipher.seal(h, Buffer.from('{"diagnosis":"confidential"}'));
    await expect(cipher.open(hash(), s)).rejects.toBeInstanceOf(EvidenceIntegrityError);
    const flipped = Buffer.from(s.body, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    await expect(cipher.open(h, { ...s, body: flipped.toString('base64') })).rejects.toBeInstanceOf(EvidenceIntegrityError);
    const wrapped = s.wrappedKey.replace(/.(=*)$/, (c, pad: string) => `${c[0] === 'A' ? 'B' : 'A'}${pad}`);
    await expect(cipher.open(h, { ...s, wrappedKey: wrapped })).rejects.toMatchObject({ code: 'evidence_integrity' });
    await expect(cipher.open(h, { ...s, kekId: 'afdp-evidence-kek' })).rejects.toMatchObject({ code: 'evidence_integrity' });
  });

  it('answers unavailable while Vault is sealed, and works again once it is unsealed', async () => {
    cipher = await open({ windowUses: 1 });
    const h = hash();
    const s = await cipher.seal(h, Buffer.from('x'));
    const other = await open(); // another process: nothing cached
    try {
      vault.seal();
      await expect(cipher.seal(hash(), Buffer.from('y'))).rejects.toMatchObject({ code: 'unavailable' });
      await expect(other.open(h, s)).rejects.toMatchObject({ code: 'unavailable' });
      vault.unseal();
      expect(await other.open(h, s)).toEqual(Buffer.from('x'));
    } finally {
      await other.close();
    }
  });

  it('rotates the transit key and rewraps each shared wrapped key once, without the data key leaving Vault', async () => {
    cipher = await open({ windowUses: 10 });
    const rows = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const h = hash();
        return { h, s: await cipher!.seal(h, Buffer.from(`r${i}`)), plain: Buffer.from(`r${i}`) };
      }),
    );
    expect(await cipher.latestVersion()).toBe(1);
    expect(await cipher.rotate()).toBe(2);
    for (const r of rows) {
      const next = (await cipher.rewrap(r.h, r.s))!;
      expect(next).toMatchObject({ kekVersion: 2, wrappedKey: expect.stringMatching(/^vault:v2:/) });
      expect(await cipher.rewrap(r.h, { ...r.s, ...next })).toBeUndefined();
      expect(await cipher.open(r.h, { ...r.s, ...next })).toEqual(r.plain);
    }
    expect(calls('rewrap')).toBe(3); // three windows of data keys
    for (const r of vault.requests.filter((q) => q.path.startsWith('/v1/transit/')))
      expect(JSON.stringify(r.body ?? {})).not.toMatch(/plaintext/);
  });

  it('refuses to use the signing key type, or to start without the key unless it may create it', async () => {
    vault.createKey(KEY, 'ecdsa-p256');
    await expect(open()).rejects.toThrow(/"aes256-gcm96"/);
    await expect(
      createVaultEvidenceCipher({ addr: vault.url, mount: 'transit', key: 'missing', auth: { method: 'token', token: vault.rootToken } }),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('the loopback Vault speaks transit as Vault documents it', () => {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${vault.url}/v1/${path}`, {
      method: 'POST',
      headers: { 'x-vault-token': vault.rootToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('datakey/plaintext answers the key and its wrapped form, decrypt gives it back, errors are 400 {"errors":[…]}', async () => {
    vault.createKey(KEY, 'aes256-gcm96');
    const dk = await post(`transit/datakey/plaintext/${KEY}`, {});
    expect(dk.status).toBe(200);
    expect(dk.body.data).toEqual({
      ciphertext: expect.stringMatching(/^vault:v1:[A-Za-z0-9+/]+={0,2}$/),
      key_version: 1,
      plaintext: expect.any(String),
    });
    expect(Buffer.from(dk.body.data.plaintext, 'base64')).toHaveLength(32);
    const wrapped = await post(`transit/datakey/wrapped/${KEY}`, { bits: 128 });
    expect(Object.keys(wrapped.body.data).sort()).toEqual(['ciphertext', 'key_version']);
    const back = await post(`transit/decrypt/${KEY}`, { ciphertext: dk.body.data.ciphertext });
    expect(back.body.data).toEqual({ plaintext: dk.body.data.plaintext });
    expect(await post(`transit/datakey/other/${KEY}`, {})).toEqual({
      status: 400,
      body: { errors: ["Invalid path, must be 'plaintext' or 'wrapped'"] },
    });
    expect(await post(`transit/decrypt/${KEY}`, { ciphertext: 'nope' })).toEqual({
      status: 400,
      body: { errors: ['invalid ciphertext: no prefix'] },
    });
    expect(await post('transit/decrypt/absent', { ciphertext: dk.body.data.ciphertext })).toEqual({
      status: 400,
      body: { errors: ['encryption key not found'] },
    });
    expect((await post(`transit/decrypt/${KEY}`, { ciphertext: dk.body.data.ciphertext.replace('vault:v1:', 'vault:v7:') })).body).toEqual({
      errors: ['invalid ciphertext: version is too new'],
    });
  });
});
