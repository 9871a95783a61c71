import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultSignerOptions, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

// Which Vault calls the shared HTTP layer may replay: reads and signatures on any transient failure;
// a login or a rotation (not harmless twice) only after 429/503, which Vault answers before doing any work.
const KEY = 'afdp-notary-key';
let vault: VaultServer;
let signer: VaultTransitSigner | undefined;
const opts = (over: Partial<VaultSignerOptions> = {}): VaultSignerOptions => ({
  addr: vault.url,
  mount: 'transit',
  key: KEY,
  auth: { method: 'token', token: vault.rootToken },
  createKey: true,
  retries: 2,
  ...over,
});
const seen = (path: string) => vault.requests.filter((r) => r.path === path).length;
const ROTATE = `/v1/transit/keys/${KEY}/rotate`;
const LOGIN = '/v1/auth/approle/login';

beforeEach(async () => {
  vault = await startVaultServer();
});
afterEach(async () => {
  await signer?.close();
  signer = undefined;
  await vault.close();
});

describe('Vault replay rules', () => {
  it('does not replay a rotation after a 502: one attempt, unavailable, still one key version', async () => {
    signer = await createVaultSigner(opts());
    vault.failNext(1, 502, /\/rotate$/);
    await expect(signer.rotate()).rejects.toMatchObject({ code: 'unavailable' });
    expect(seen(ROTATE)).toBe(1);
    expect((await signer.publicKeys()).map((k) => k.version)).toEqual([1]);
  });

  it('replays a rotation after a 503 (sealed: Vault did nothing) and rotates once', async () => {
    signer = await createVaultSigner(opts());
    vault.failNext(1, 503, /\/rotate$/);
    await expect(signer.rotate()).resolves.toMatchObject({ version: 2 });
    expect(seen(ROTATE)).toBe(2);
  });

  it('does not replay an AppRole login after a 500, and replays it after a 429', async () => {
    vault.setAppRole('role-1', 'secret-1');
    const approle = { auth: { method: 'approle' as const, roleId: 'role-1', secretId: 'secret-1' } };
    vault.failNext(1, 500, /approle\/login$/);
    await expect(createVaultSigner(opts(approle))).rejects.toMatchObject({ code: 'unavailable' });
    expect(seen(LOGIN)).toBe(1);
    vault.failNext(1, 429, /approle\/login$/);
    signer = await createVaultSigner(opts(approle));
    expect(seen(LOGIN)).toBe(3);
  });
});
