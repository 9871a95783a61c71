import { describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { Authenticator, JwtVerifier, type ApiKeyInfo } from '../../src/adapters/auth/index.js';
import { authorizeGrpcCall } from '../../src/api/grpc/index.js';
import { AuthError, makePrincipal, type Principal } from '../../src/core/auth/index.js';

const KEY = `afdp_${'a'.repeat(43)}`;
const REVOKED = `afdp_${'r'.repeat(43)}`;
const info = (id: string, revoked: boolean): ApiKeyInfo => ({
  id,
  name: `key ${id}`,
  roles: ['ai_engineer'],
  hint: 'afdp_aaaa',
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: null,
  revoked_at: revoked ? '2026-01-02T00:00:00.000Z' : null,
  revoked_by: null,
});
const apiKeys = { findByKey: async (k: string) => (k === KEY ? info('k1', false) : k === REVOKED ? info('k2', true) : undefined) };
const jwt = {
  verify: async (t: string): Promise<Principal> =>
    makePrincipal({ kind: 'jwt', subject: `sub-of-${t.length}`, roles: ['security_analyst'] }),
};

const authn = (withJwt = true) =>
  new Authenticator({
    adminToken: 'admin-secret',
    apiKeys,
    jwt: withJwt ? jwt : undefined,
    mtlsSubjectRoles: { 'ci-bot': ['ai_engineer'] },
  });
const reason = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof AuthError ? `${e.code}:${e.reason}` : String(e)),
  );

describe('Authenticator', () => {
  it('returns undefined when no credential is sent', async () => {
    expect(await authn().authenticate({})).toBeUndefined();
  });

  it('accepts an API key as a bearer token or in X-API-Key', async () => {
    expect((await authn().authenticate({ authorization: `Bearer ${KEY}` }))?.id).toBe('api_key:k1');
    expect((await authn().authenticate({ apiKey: KEY }))?.roles).toEqual(['ai_engineer']);
  });

  it('refuses unknown, revoked and malformed keys with distinct reasons', async () => {
    expect(await reason(authn().authenticate({ apiKey: `afdp_${'b'.repeat(43)}` }))).toBe('unauthenticated:unknown_key');
    expect(await reason(authn().authenticate({ apiKey: REVOKED }))).toBe('unauthenticated:revoked');
    expect(await reason(authn().authenticate({ apiKey: 'not-a-key' }))).toBe('unauthenticated:malformed');
    expect(await reason(authn().authenticate({ authorization: 'Basic dXNlcjpwYXNz' }))).toBe('unauthenticated:malformed');
  });

  it('maps the bootstrap admin token to an admin principal', async () => {
    const p = await authn().authenticate({ authorization: 'Bearer admin-secret' });
    expect(p?.id).toBe('admin_token:bootstrap');
    expect(p?.permissions.has('keys.rotate')).toBe(true);
  });

  it('hands JWT-shaped tokens to the verifier, and refuses them when no issuer is configured', async () => {
    expect((await authn().authenticate({ authorization: 'Bearer aaa.bbb.ccc' }))?.kind).toBe('jwt');
    expect(await reason(authn(false).authenticate({ authorization: 'Bearer aaa.bbb.ccc' }))).toBe('unauthenticated:unsupported');
  });

  it('maps a verified client certificate by CN; an unverified one is refused', async () => {
    const ok = await authn().authenticate({ peerCertificate: { subject: { CN: 'ci-bot' }, authorized: true } });
    expect(ok?.id).toBe('mtls:ci-bot');
    expect(ok?.permissions.has('evidence.create')).toBe(true);
    const unmapped = await authn().authenticate({ peerCertificate: { subject: { CN: 'stranger' }, authorized: true } });
    expect(unmapped?.permissions.size).toBe(0);
    expect(await reason(authn().authenticate({ peerCertificate: { subject: { CN: 'ci-bot' }, authorized: false } }))).toBe(
      'unauthenticated:bad_signature',
    );
  });

  it('prefers the Authorization header over the client certificate', async () => {
    const p = await authn().authenticate({
      authorization: `Bearer ${KEY}`,
      peerCertificate: { subject: { CN: 'ci-bot' }, authorized: true },
    });
    expect(p?.kind).toBe('api_key');
  });
});

describe('gRPC door helpers', () => {
  const call = (method: string, md: Record<string, string>, mode: 'off' | 'required' = 'required') =>
    reason(authorizeGrpcCall(authn(), mode, `/afdp.notary.v1.NotaryService/${method}`, md));

  it('reads the same credentials from metadata and applies the same RBAC', async () => {
    expect(await call('SignEvidence', { 'x-api-key': KEY })).toBe('ok');
    expect(await call('SignEvidence', { authorization: `Bearer ${KEY}` })).toBe('ok');
    expect(await call('SignEvidence', {})).toBe('unauthenticated:missing');
    expect(await call('SignEvidence', {}, 'off')).toBe('ok');
    expect(await call('SignEvidence', { authorization: 'Bearer aaa.bbb.ccc' })).toBe('forbidden:undefined'); // security_analyst
    expect(await call('HealthCheck', {})).toBe('ok');
    expect(await call('NoSuchMethod', { 'x-api-key': KEY })).toBe('forbidden:undefined');
  });
});

describe('JwtVerifier', () => {
  it("reports an unreachable issuer JWKS as unavailable (503), not as the caller's fault", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setExpirationTime('5m').sign(privateKey);
    const v = new JwtVerifier({
      issuer: 'x',
      audience: ['a'],
      jwksUrl: 'http://127.0.0.1:1/jwks.json',
      clockSkewSeconds: 0,
      rolesClaim: 'roles',
      algorithms: ['ES256'],
    });
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
