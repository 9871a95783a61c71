import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import { loopbackVaultPerTest, signRequest } from '../support/vault-fixture.js';

const fx = loopbackVaultPerTest({ defaults: { createKey: true } });
let signer: VaultTransitSigner;

describe('Vault resilience', () => {
  it('retries a 503 and succeeds', async () => {
    signer = await fx.signer({ retries: 2 });
    fx.vault.failNext(1, 503);
    await expect(signer.sign(signRequest(1))).resolves.toMatchObject({ keyVersion: 1 });
    expect(fx.calls()).toBe(2);
  });

  it('gives up after the configured retries with unavailable', async () => {
    signer = await fx.signer({ retries: 2 });
    fx.vault.failNext(3, 502);
    await expect(signer.sign(signRequest(1))).rejects.toMatchObject({ code: 'unavailable' });
    expect(fx.calls()).toBe(3);
  });

  it('does not retry a 400, and reports it as internal', async () => {
    signer = await fx.signer({ retries: 3 });
    fx.vault.failNext(1, 400);
    await expect(signer.sign(signRequest(1))).rejects.toMatchObject({ code: 'internal', retryable: false });
    expect(fx.calls()).toBe(1);
  });

  it('opens the breaker after N failures, fails fast without calling Vault, then recovers', async () => {
    signer = await fx.signer({ retries: 0, breaker: { failureThreshold: 2, resetMs: 300 } });
    fx.vault.seal();
    for (let i = 0; i < 2; i++) await expect(signer.sign(signRequest(i))).rejects.toMatchObject({ code: 'unavailable' });
    fx.vault.unseal();
    const seen = fx.vault.requests.length;
    const t0 = performance.now();
    await expect(signer.sign(signRequest(3))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/circuit/) });
    await expect(signer.ping()).rejects.toMatchObject({ code: 'unavailable' });
    expect(performance.now() - t0).toBeLessThan(250);
    expect(fx.vault.requests.length).toBe(seen);
    await new Promise((r) => setTimeout(r, 350));
    await expect(signer.sign(signRequest(4))).resolves.toMatchObject({ keyVersion: 1 });
  });

  it('maps an unreachable Vault to unavailable, at start and at sign time', async () => {
    signer = await fx.signer({ retries: 1 });
    await fx.stop();
    await expect(signer.sign(signRequest(1))).rejects.toMatchObject({ code: 'unavailable' });
    await expect(signer.ping()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(createVaultSigner(fx.options({ retries: 0 }))).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('times out a Vault that never answers', async () => {
    const hung = http.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const addr = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    try {
      const err = await createVaultSigner(fx.options({ addr, retries: 0, timeoutMs: 100 })).catch((e) => e);
      expect(err).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/timed out/) });
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});
