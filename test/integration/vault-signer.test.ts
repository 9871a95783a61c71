import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import { loopbackVaultPerTest, signRequest, VAULT_KEY } from '../support/vault-fixture.js';

const fx = loopbackVaultPerTest();
let signer: VaultTransitSigner;

describe('VaultTransitSigner against the loopback Vault', () => {
  it('creates the key when asked, and its signatures verify over the canonical bytes', async () => {
    signer = await fx.signer({ createKey: true });
    expect(fx.vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/auth/token/lookup-self',
      `GET /v1/transit/keys/${VAULT_KEY}`,
      `POST /v1/transit/keys/${VAULT_KEY}`,
      `GET /v1/transit/keys/${VAULT_KEY}`,
    ]);
    const req = signRequest(1);
    const res = await signer.sign(req);
    expect(res).toMatchObject({ keyId: VAULT_KEY, keyVersion: 1 });
    expect(verify('sha256', req.canonical, res.publicKeyPem, res.signature)).toBe(true);
    expect(signer.backend).toBe('vault');
  });

  it('uses an existing key and refuses to start when the key is missing and createKey is off', async () => {
    await expect(createVaultSigner(fx.options())).rejects.toThrow(`Vault transit key "${VAULT_KEY}" does not exist`);
    fx.vault.createKey(VAULT_KEY, 'ecdsa-p256');
    signer = await fx.signer();
    expect((await signer.publicKeys()).map((k) => k.version)).toEqual([1]);
  });

  it('refuses a key that is not ecdsa-p256, naming the key and its type', async () => {
    fx.vault.createKey(VAULT_KEY, 'aes256-gcm96');
    const err = await createVaultSigner(fx.options({ createKey: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/"afdp-notary-key" has type "aes256-gcm96".*"ecdsa-p256"/);
  });

  it('batches 100 concurrent signs into a few requests; each verifies with the version it names', async () => {
    signer = await fx.signer({ createKey: true });
    const reqs = Array.from({ length: 100 }, (_, i) => signRequest(i));
    const results = await Promise.all(reqs.map((r) => signer!.sign(r)));
    expect(fx.calls()).toBeGreaterThanOrEqual(2); // 64 per batch at most
    expect(fx.calls()).toBeLessThanOrEqual(4);
    for (const [i, res] of results.entries()) {
      const pub = await signer.publicKey(res.keyVersion);
      expect(verify('sha256', reqs[i].canonical, pub!.publicKeyPem, res.signature)).toBe(true);
    }
  });

  it('keeps old versions verifiable across rotation, including one done by another instance', async () => {
    signer = await fx.signer({ createKey: true });
    const before = await Promise.all([0, 1, 2].map((i) => signer!.sign(signRequest(i))));
    const rotated = await signer.rotate();
    expect(rotated.version).toBe(2);
    const after = await Promise.all([3, 4, 5].map((i) => signer!.sign(signRequest(i))));
    // Another notary rotates: our first signature naming v3 refreshes the cache once.
    await fetch(`${fx.vault.url}/v1/transit/keys/${VAULT_KEY}/rotate`, {
      method: 'POST',
      headers: { 'x-vault-token': fx.vault.rootToken },
    });
    const third = await signer.sign(signRequest(6));

    expect(before.map((r) => r.keyVersion)).toEqual([1, 1, 1]);
    expect(after.map((r) => r.keyVersion)).toEqual([2, 2, 2]);
    expect(third.keyVersion).toBe(3);
    const keys = await signer.publicKeys();
    expect(keys.map((k) => k.version)).toEqual([1, 2, 3]);
    expect(new Set(keys.map((k) => k.publicKeyPem)).size).toBe(3);
    [...before, ...after, third].forEach((res, i) => {
      const pem = keys.find((k) => k.version === res.keyVersion)!.publicKeyPem;
      expect(res.publicKeyPem).toBe(pem);
      expect(verify('sha256', signRequest(i).canonical, pem, res.signature)).toBe(true);
      const other = keys.find((k) => k.version !== res.keyVersion)!.publicKeyPem;
      expect(verify('sha256', signRequest(i).canonical, other, res.signature)).toBe(false);
    });
    expect(await signer.publicKey(99)).toBeUndefined();
  });

  it('sends X-Vault-Namespace on every call except the root-only sys/health', async () => {
    signer = await fx.signer({ createKey: true, namespace: 'afdp' });
    await signer.sign(signRequest(1));
    await signer.ping();
    for (const r of fx.vault.requests) expect(r.namespace).toBe(r.path === '/v1/sys/health' ? undefined : 'afdp');
  });

  it('ping: active and standby are healthy; sealed makes ping and sign fail with unavailable', async () => {
    signer = await fx.signer({ createKey: true, retries: 1 });
    await signer.ping();
    fx.vault.setStandby(true);
    await signer.ping();
    fx.vault.seal();
    await expect(signer.ping()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/sealed/) });
    await expect(signer.sign(signRequest(1))).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    fx.vault.unseal();
    await expect(signer.sign(signRequest(1))).resolves.toMatchObject({ keyVersion: 1 });
  });
});
