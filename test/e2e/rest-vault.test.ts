import { verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { sign, validate } from '../support/http.js';
import { fixture, uniquePackage } from '../support/records.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const ADMIN = 'admin-token-for-tests';

describe('REST with Vault transit as the signer', () => {
  let vault: VaultServer;
  let app: TestApp;
  beforeAll(async () => {
    vault = await startVaultServer({ tokenTtlSeconds: 3600 });
    vault.setAppRole('notary-role', 'notary-secret-id');
    app = await startTestApp({
      VAULT_ADDR: vault.url,
      VAULT_AUTH_METHOD: 'approle',
      VAULT_ROLE_ID: 'notary-role',
      VAULT_SECRET_ID: 'notary-secret-id',
      NOTARY_VAULT_CREATE_KEY: 'true',
      NOTARY_ADMIN_TOKEN: ADMIN,
    });
  });
  afterAll(async () => {
    await app?.close();
    await vault?.close();
  });

  it('signs through transit: the signature verifies over the RFC 8785 bytes with the key version named', async () => {
    const pkg = fixture();
    const { status, body } = await sign(app.rest, pkg);
    expect(status).toBe(200);
    const key = (await app.rest.inject('/api/v1/trust-root'))
      .json()
      .signing_keys.find((k: { version: number }) => k.version === body.receipt.key_version);
    expect(verify('sha256', Buffer.from(canonicalize(pkg)!), key.public_key_pem, Buffer.from(body.receipt.signature_b64, 'base64'))).toBe(
      true,
    );
    expect(vault.requests.some((r) => r.method === 'POST' && r.path === '/v1/transit/sign/afdp-notary-key')).toBe(true);
  });

  it('keeps every receipt valid when the key is rotated in the middle of a stream', async () => {
    const before = (await app.rest.inject('/api/v1/trust-root')).json().signing_keys.length;
    const signing = Array.from({ length: 40 }, (_, i) => sign(app.rest, uniquePackage(`rot-${i}`)));
    const rotated = await app.rest.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(rotated.statusCode).toBe(200);
    const later = Array.from({ length: 10 }, (_, i) => sign(app.rest, uniquePackage(`rot-late-${i}`)));
    const results = await Promise.all([...signing, ...later]);
    const versions = new Set(results.map((r) => r.body.receipt.key_version));
    expect(versions.has(rotated.json().version)).toBe(true);
    for (const [i, r] of results.entries()) {
      const pkg = uniquePackage(i < 40 ? `rot-${i}` : `rot-late-${i - 40}`);
      expect((await validate(app.rest, pkg, r.body.receipt)).body.is_valid).toBe(true);
    }
    expect((await app.rest.inject('/api/v1/trust-root')).json().signing_keys).toHaveLength(before + 1);
  });

  it('refuses key rotation without the admin token', async () => {
    expect((await app.rest.inject({ method: 'POST', url: '/api/v1/keys/rotate' })).statusCode).toBe(401);
    expect(
      (await app.rest.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
  });

  it('logs in again when its Vault token expires, and the caller never notices', async () => {
    vault.expireToken(vault.issuedTokens().at(-1)!);
    const { status } = await sign(app.rest, uniquePackage('after-expiry'));
    expect(status).toBe(200);
  });

  it('answers 503 and stores nothing while Vault is sealed, and recovers when unsealed', async () => {
    const listed = async () => (await app.rest.inject('/api/v1/workflows?page_size=100')).json().workflows.length;
    const count = await listed();
    vault.seal();
    const res = await sign(app.rest, uniquePackage('sealed'));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBeDefined();
    expect((await app.rest.inject('/ready')).statusCode).toBe(503);
    expect(await listed()).toBe(count);
    vault.unseal();
    expect((await sign(app.rest, uniquePackage('unsealed'))).status).toBe(200);
    expect((await app.rest.inject('/ready')).statusCode).toBe(200);
  });

  it('never writes Vault credentials into the logs', () => {
    const all = app.logLines.join('\n');
    for (const secret of ['notary-secret-id', ...vault.issuedTokens(), vault.rootToken]) expect(all).not.toContain(secret);
  });
});
