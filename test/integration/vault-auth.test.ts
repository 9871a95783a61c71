import { createHash, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultSignerOptions, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import type { SignRequest } from '../../src/ports/key-signer.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const KEY = 'afdp-notary-key';
const ROLE_ID = 'role-7f3a9c';
const SECRET_ID = 'secret-id-d41d8cd98f00b204e980';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YWZkcDpub3RhcnkifQ.c2ln';
const evidence = (i: number): SignRequest => {
  const canonical = Buffer.from(JSON.stringify({ evidence: i }));
  return { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' };
};

let vault: VaultServer;
let signer: VaultTransitSigner | undefined;
const approle = (over: Partial<VaultSignerOptions> = {}): VaultSignerOptions => ({
  addr: vault.url, mount: 'transit', key: KEY, auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID }, ...over,
});
const count = (path: string) => vault.requests.filter((r) => r.path === path).length;

/** Everything an operator could end up reading: message, stack, causes, own fields. */
const everything = (err: unknown): string => inspect(err, { depth: 10, showHidden: true });
const secrets = (): string[] => [SECRET_ID, JWT, vault.rootToken, ...vault.issuedTokens()];

beforeEach(async () => {
  vault = await startVaultServer();
  vault.createKey(KEY, 'ecdsa-p256');
  vault.setAppRole(ROLE_ID, SECRET_ID);
});
afterEach(async () => {
  await signer?.close();
  signer = undefined;
  await vault.close();
});

describe('Vault auth', () => {
  it('logs in with AppRole, and after the token expires logs in again and the call succeeds', async () => {
    signer = await createVaultSigner(approle());
    expect(count('/v1/auth/approle/login')).toBe(1);
    vault.expireToken(vault.issuedTokens()[0]);
    const req = evidence(1);
    const res = await signer.sign(req);
    expect(verify('sha256', req.canonical, res.publicKeyPem, res.signature)).toBe(true);
    expect(count('/v1/auth/approle/login')).toBe(2);
    expect(count(`/v1/transit/sign/${KEY}`)).toBe(2); // the 403, then the retry
  });

  it('shares one re-login among many calls that all meet the expired token', async () => {
    signer = await createVaultSigner(approle({ batchMaxSize: 4 }));
    vault.expireToken(vault.issuedTokens()[0]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => signer!.sign(evidence(i))));
    expect(count('/v1/auth/approle/login')).toBe(2);
  });

  it('logs in with Kubernetes using the JWT read from jwtPath, on a custom mount', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vault-k8s-'));
    try {
      await writeFile(join(dir, 'token'), `${JWT}\n`);
      vault.setKubernetesRole('afdp-notary', JWT);
      signer = await createVaultSigner({
        ...approle(), auth: { method: 'kubernetes', role: 'afdp-notary', jwtPath: join(dir, 'token'), mount: 'k8s-prod' },
      });
      expect(count('/v1/auth/k8s-prod/login')).toBe(1);
      await expect(signer.sign(evidence(1))).resolves.toMatchObject({ keyVersion: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renews the token at about 2/3 of its lease so it never expires', async () => {
    await vault.close();
    vault = await startVaultServer({ tokenTtlSeconds: 3 });
    vault.createKey(KEY, 'ecdsa-p256');
    vault.setAppRole(ROLE_ID, SECRET_ID);
    signer = await createVaultSigner(approle());
    // Renewal is due at 2 s; without it the token would be dead at 3 s.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(count('/v1/auth/token/renew-self')).toBeGreaterThanOrEqual(1);
    await signer.sign(evidence(1));
    expect(count('/v1/auth/approle/login')).toBe(1); // renewal, not re-login, kept it alive
  });

  it('never puts a token, secret_id or JWT in an error', async () => {
    const errors: unknown[] = [];
    // Wrong secret_id at start.
    errors.push(await createVaultSigner(approle({ auth: { method: 'approle', roleId: ROLE_ID, secretId: `${SECRET_ID}x` } })).catch((e) => e));
    // Wrong JWT at start.
    vault.setKubernetesRole('r', `${JWT}x`);
    const dir = await mkdtemp(join(tmpdir(), 'vault-k8s-'));
    await writeFile(join(dir, 'token'), JWT);
    errors.push(await createVaultSigner(approle({ auth: { method: 'kubernetes', role: 'r', jwtPath: join(dir, 'token') } })).catch((e) => e));
    await rm(dir, { recursive: true, force: true });
    // A revoked static token cannot be replaced: the call fails as a configuration error.
    const tokenSigner = await createVaultSigner({ ...approle(), auth: { method: 'token', token: vault.rootToken } });
    vault.expireToken(vault.rootToken);
    const revoked = await tokenSigner.sign(evidence(1)).catch((e) => e);
    expect(revoked).toMatchObject({ code: 'internal' });
    errors.push(revoked, inspect(tokenSigner, { depth: 10, showHidden: true }));
    await tokenSigner.close();
    // Sealed after an AppRole login.
    signer = await createVaultSigner(approle({ retries: 0 }));
    vault.seal();
    errors.push(await signer.sign(evidence(2)).catch((e) => e), await signer.ping().catch((e) => e));

    expect(errors.filter((e) => e instanceof Error)).toHaveLength(5);
    for (const e of errors) for (const s of secrets()) expect(everything(e)).not.toContain(s);
  });
});
