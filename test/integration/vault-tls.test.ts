import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultSignerOptions } from '../../src/adapters/signer/vault/index.js';
import type { SignRequest } from '../../src/ports/key-signer.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const evidence = (i: number): SignRequest => {
  const canonical = Buffer.from(JSON.stringify({ evidence: i }));
  return { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' };
};

let pki: TestPki;
let vault: VaultServer;
const opts = (over: Partial<VaultSignerOptions> = {}): VaultSignerOptions => ({
  addr: vault.url,
  mount: 'transit',
  key: 'afdp-notary-key',
  auth: { method: 'token', token: vault.rootToken },
  createKey: true,
  ...over,
});

beforeAll(async () => {
  pki = makeTestPki();
  vault = await startVaultServer({ tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem } });
});
afterAll(async () => {
  await vault.close();
});

// Vault over HTTPS goes through the shared HTTP layer with the signer's own agent: VAULT_CACERT and keep-alive
describe('Vault over TLS with a private CA (VAULT_CACERT)', () => {
  it('signs when the CA is given, over one kept-alive connection', async () => {
    const signer = await createVaultSigner(opts({ caCertPem: pki.ca.certPem, batchMaxSize: 1 }));
    try {
      const before = vault.connections();
      for (let i = 0; i < 3; i++) await expect(signer.sign(evidence(i))).resolves.toMatchObject({ keyVersion: 1 });
      expect(vault.connections() - before).toBeLessThanOrEqual(1);
    } finally {
      await signer.close();
    }
  });

  it('refuses a server its CA did not sign: unavailable, and nothing signed', async () => {
    const signs = () => vault.requests.filter((r) => r.path.startsWith('/v1/transit/sign/')).length;
    const seen = signs();
    await expect(createVaultSigner(opts({ retries: 0 }))).rejects.toMatchObject({ code: 'unavailable' });
    expect(signs()).toBe(seen);
  });
});
