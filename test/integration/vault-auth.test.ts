import { verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createVaultSigner, type VaultSignerOptions, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import { loopbackVaultPerTest, signRequest, VAULT_KEY } from '../support/vault-fixture.js';

const ROLE_ID = 'role-7f3a9c';
const SECRET_ID = 'secret-id-d41d8cd98f00b204e980';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YWZkcDpub3RhcnkifQ.c2ln';

const fx = loopbackVaultPerTest({
  prepare: (vault) => {
    vault.createKey(VAULT_KEY, 'ecdsa-p256');
    vault.setAppRole(ROLE_ID, SECRET_ID);
  },
});
let signer: VaultTransitSigner;
const approle = (over: Partial<VaultSignerOptions> = {}): VaultSignerOptions =>
  fx.options({ auth: { method: 'approle', roleId: ROLE_ID, secretId: SECRET_ID }, ...over });
const count = (path: string) => fx.calls(path);

/** Everything an operator could end up reading: message, stack, causes, own fields. */
const everything = (err: unknown): string => inspect(err, { depth: 10, showHidden: true });
const secrets = (): string[] => [SECRET_ID, JWT, fx.vault.rootToken, ...fx.vault.issuedTokens()];

describe('Vault auth', () => {
  it('logs in with AppRole, and after the token expires logs in again and the call succeeds', async () => {
    signer = await fx.signer(approle());
    expect(count('/v1/auth/approle/login')).toBe(1);
    fx.vault.expireToken(fx.vault.issuedTokens()[0]);
    const req = signRequest(1);
    const res = await signer.sign(req);
    expect(verify('sha256', req.canonical, res.publicKeyPem, res.signature)).toBe(true);
    expect(count('/v1/auth/approle/login')).toBe(2);
    expect(count(`/v1/transit/sign/${VAULT_KEY}`)).toBe(2); // the 403, then the retry
  });

  it('shares one re-login among many calls that all meet the expired token', async () => {
    signer = await fx.signer(approle({ batchMaxSize: 4 }));
    fx.vault.expireToken(fx.vault.issuedTokens()[0]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => signer!.sign(signRequest(i))));
    expect(count('/v1/auth/approle/login')).toBe(2);
  });

  it('logs in with Kubernetes using the JWT read from jwtPath, on a custom mount', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vault-k8s-'));
    try {
      await writeFile(join(dir, 'token'), `${JWT}\n`);
      fx.vault.setKubernetesRole('afdp-notary', JWT);
      signer = await fx.signer({ auth: { method: 'kubernetes', role: 'afdp-notary', jwtPath: join(dir, 'token'), mount: 'k8s-prod' } });
      expect(count('/v1/auth/k8s-prod/login')).toBe(1);
      await expect(signer.sign(signRequest(1))).resolves.toMatchObject({ keyVersion: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renews the token at about 2/3 of its lease so it never expires', async () => {
    await fx.restart({ tokenTtlSeconds: 3 });
    signer = await fx.signer(approle());
    // Renewal is due at 2 s; without it the token would be dead at 3 s.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(count('/v1/auth/token/renew-self')).toBeGreaterThanOrEqual(1);
    await signer.sign(signRequest(1));
    expect(count('/v1/auth/approle/login')).toBe(1); // renewal, not re-login, kept it alive
  });

  it('never puts a token, secret_id or JWT in an error', async () => {
    const errors: unknown[] = [];
    // Wrong secret_id at start.
    errors.push(
      await createVaultSigner(approle({ auth: { method: 'approle', roleId: ROLE_ID, secretId: `${SECRET_ID}x` } })).catch((e) => e),
    );
    // Wrong JWT at start.
    fx.vault.setKubernetesRole('r', `${JWT}x`);
    const dir = await mkdtemp(join(tmpdir(), 'vault-k8s-'));
    await writeFile(join(dir, 'token'), JWT);
    errors.push(
      await createVaultSigner(approle({ auth: { method: 'kubernetes', role: 'r', jwtPath: join(dir, 'token') } })).catch((e) => e),
    );
    await rm(dir, { recursive: true, force: true });
    // A revoked static token cannot be replaced: the call fails as a configuration error.
    const tokenSigner = await createVaultSigner({ ...approle(), auth: { method: 'token', token: fx.vault.rootToken } });
    fx.vault.expireToken(fx.vault.rootToken);
    const revoked = await tokenSigner.sign(signRequest(1)).catch((e) => e);
    expect(revoked).toMatchObject({ code: 'internal' });
    errors.push(revoked, inspect(tokenSigner, { depth: 10, showHidden: true }));
    await tokenSigner.close();
    // Sealed after an AppRole login.
    signer = await fx.signer(approle({ retries: 0 }));
    fx.vault.seal();
    errors.push(await signer.sign(signRequest(2)).catch((e) => e), await signer.ping().catch((e) => e));

    expect(errors.filter((e) => e instanceof Error)).toHaveLength(5);
    for (const e of errors) for (const s of secrets()) expect(everything(e)).not.toContain(s);
  });
});
