import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultSignerOptions, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import type { SignRequest } from '../../src/ports/key-signer.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const KEY = 'afdp-notary-key';
const evidence = (i: number): SignRequest => {
  const canonical = Buffer.from(JSON.stringify({ evidence: i }));
  return { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' };
};

let vault: VaultServer;
let signer: VaultTransitSigner | undefined;
const opts = (over: Partial<VaultSignerOptions> = {}): VaultSignerOptions => ({
  addr: vault.url, mount: 'transit', key: KEY, auth: { method: 'token', token: vault.rootToken }, createKey: true, ...over,
});
const signs = () => vault.requests.filter((r) => r.path === `/v1/transit/sign/${KEY}`).length;

beforeEach(async () => {
  vault = await startVaultServer();
});
afterEach(async () => {
  await signer?.close();
  signer = undefined;
  await vault.close();
});

describe('Vault resilience', () => {
  it('retries a 503 and succeeds', async () => {
    signer = await createVaultSigner(opts({ retries: 2 }));
    vault.failNext(1, 503);
    await expect(signer.sign(evidence(1))).resolves.toMatchObject({ keyVersion: 1 });
    expect(signs()).toBe(2);
  });

  it('gives up after the configured retries with unavailable', async () => {
    signer = await createVaultSigner(opts({ retries: 2 }));
    vault.failNext(3, 502);
    await expect(signer.sign(evidence(1))).rejects.toMatchObject({ code: 'unavailable' });
    expect(signs()).toBe(3);
  });

  it('does not retry a 400, and reports it as internal', async () => {
    signer = await createVaultSigner(opts({ retries: 3 }));
    vault.failNext(1, 400);
    await expect(signer.sign(evidence(1))).rejects.toMatchObject({ code: 'internal', retryable: false });
    expect(signs()).toBe(1);
  });

  it('opens the breaker after N failures, fails fast without calling Vault, then recovers', async () => {
    signer = await createVaultSigner(opts({ retries: 0, breaker: { failureThreshold: 2, resetMs: 300 } }));
    vault.seal();
    for (let i = 0; i < 2; i++) await expect(signer.sign(evidence(i))).rejects.toMatchObject({ code: 'unavailable' });
    vault.unseal();
    const seen = vault.requests.length;
    const t0 = performance.now();
    await expect(signer.sign(evidence(3))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/circuit/) });
    await expect(signer.ping()).rejects.toMatchObject({ code: 'unavailable' });
    expect(performance.now() - t0).toBeLessThan(250);
    expect(vault.requests.length).toBe(seen);
    await new Promise((r) => setTimeout(r, 350));
    await expect(signer.sign(evidence(4))).resolves.toMatchObject({ keyVersion: 1 });
  });

  it('maps an unreachable Vault to unavailable, at start and at sign time', async () => {
    signer = await createVaultSigner(opts({ retries: 1 }));
    await vault.close();
    await expect(signer.sign(evidence(1))).rejects.toMatchObject({ code: 'unavailable' });
    await expect(signer.ping()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(createVaultSigner(opts({ retries: 0 }))).rejects.toMatchObject({ code: 'unavailable' });
    vault = await startVaultServer(); // for afterEach
  });

  it('times out a Vault that never answers', async () => {
    const hung = http.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const addr = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    try {
      const err = await createVaultSigner(opts({ addr, retries: 0, timeoutMs: 100 })).catch((e) => e);
      expect(err).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/timed out/) });
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});
