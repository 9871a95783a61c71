import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createApiKey, type Creds } from '../support/auth.js';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer.js';
import { uniquePackage } from '../support/records.js';

const ADMIN_TOKEN = 'bootstrap-admin-token-5f2b9c';
const PASSPHRASE = 'keyring passphrase never logged';

type Caller = 'anonymous' | 'ai_engineer' | 'security_analyst' | 'admin' | 'scope_read' | 'scope_write';
const CALLERS: Caller[] = ['anonymous', 'ai_engineer', 'security_analyst', 'admin', 'scope_read', 'scope_write'];

describe('authentication required: each role against each endpoint', () => {
  let issuer: OidcIssuer;
  let app: TestApp;
  const creds = {} as Record<Caller, Creds>;
  const secrets: string[] = [ADMIN_TOKEN, PASSPHRASE];
  let hash: string;
  let workflowId: string;
  let approvalId: string;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    app = await startTestApp({
      NOTARY_OIDC_ISSUER: issuer.issuer,
      NOTARY_OIDC_AUDIENCE: issuer.audience,
      NOTARY_OIDC_JWKS_URL: issuer.jwksUrl,
      NOTARY_ADMIN_TOKEN: ADMIN_TOKEN,
      NOTARY_KEYRING_PASSPHRASE: PASSPHRASE,
      // the matrix sends every anonymous and bad-token call from one address: past the default 20 it would get 429
      NOTARY_AUTH_FAILURE_MAX: '1000',
    });
    const admin = bearer(ADMIN_TOKEN);
    const engineer = await createApiKey(app.rest, admin, 'ci pipeline', ['ai_engineer']);
    const adminKey = await createApiKey(app.rest, admin, 'ops', ['admin']);
    const analystJwt = await issuer.token({ sub: 'sam', roles: ['security_analyst'] });
    const readJwt = await issuer.token({ sub: 'reader-app', scope: 'openid afdp.notary.read' });
    const writeJwt = await issuer.token({ sub: 'writer-app', scp: ['afdp.notary.write'] });
    Object.assign(creds, {
      anonymous: {},
      ai_engineer: { 'x-api-key': engineer.key },
      security_analyst: bearer(analystJwt),
      admin: bearer(adminKey.key),
      scope_read: bearer(readJwt),
      scope_write: bearer(writeJwt),
    });
    secrets.push(engineer.key, adminKey.key, analystJwt, readJwt, writeJwt);
    const signed = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      headers: creds.ai_engineer,
      payload: { evidence_package: uniquePackage('rbac-seed') },
    });
    expect(signed.statusCode).toBe(200);
    ({ workflow_id: workflowId } = signed.json());
    hash = signed.json().receipt.evidence_package_hash;
    const approval = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign/approval',
      headers: creds.ai_engineer,
      payload: { evidence_package: uniquePackage('rbac-approval'), approvers: ['sam', 'lee'], quorum: 2 },
    });
    expect(approval.statusCode).toBe(200);
    approvalId = approval.json().workflow_id;
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  // endpoint → callers allowed (all others: 401 when anonymous, 403 otherwise)
  const creators: Caller[] = ['ai_engineer', 'admin', 'scope_write'];
  const readers: Caller[] = ['ai_engineer', 'security_analyst', 'admin', 'scope_read', 'scope_write'];
  const everyone: Caller[] = CALLERS;
  const matrix: [string, string, () => unknown, Caller[]][] = [
    ['POST', '/api/v1/evidence/sign', () => ({ evidence_package: uniquePackage(`m-${Math.random()}`) }), creators],
    ['POST', '/api/v1/evidence/sign/batch', () => ({ evidence_packages: [uniquePackage(`b-${Math.random()}`)] }), creators],
    [
      'POST',
      '/api/v1/evidence/sign/approval',
      () => ({ evidence_package: uniquePackage(`a-${Math.random()}`), approvers: ['x'] }),
      creators,
    ],
    ['POST', '/api/v1/evidence/validate', () => ({ evidence_package: uniquePackage('v'), receipt: {} }), readers],
    ['GET', '/api/v1/evidence/:hash', () => undefined, readers],
    ['GET', '/api/v1/evidence', () => undefined, readers],
    ['GET', '/api/v1/workflows/:id/status', () => undefined, readers],
    ['GET', '/api/v1/workflows/:id/receipt', () => undefined, readers],
    ['GET', '/api/v1/workflows', () => undefined, readers],
    ['POST', '/api/v1/workflows/:approval/approvals', () => ({ approver: 'sam', decision: 'approve' }), ['security_analyst', 'admin']],
    ['POST', '/api/v1/keys/rotate', () => undefined, ['admin']],
    ['GET', '/api/v1/auth/api-keys', () => undefined, ['admin']],
    ['POST', '/api/v1/auth/api-keys', () => ({ name: 'matrix', roles: ['ai_engineer'] }), ['admin']],
    ['DELETE', '/api/v1/auth/api-keys/00000000-0000-4000-8000-000000000000', () => undefined, ['admin']],
    ['GET', '/api/v1/audit', () => undefined, ['security_analyst', 'admin']],
    ['GET', '/health', () => undefined, everyone],
    ['GET', '/ready', () => undefined, everyone],
    ['GET', '/metrics', () => undefined, everyone],
    ['GET', '/api/v1/trust-root', () => undefined, everyone],
    ['GET', '/api/v1/log', () => undefined, everyone],
    ['GET', '/api/v1/log/tiles/checkpoint', () => undefined, everyone],
    ['GET', '/api/v1/log/tiles/tile/0/000.p/1', () => undefined, everyone],
  ];

  it.each(
    matrix.flatMap(([method, route, body, allowed]) =>
      CALLERS.map((caller) => [method, route, caller, body, allowed.includes(caller)] as const),
    ),
  )('%s %s as %s', async (method, route, caller, body, allowed) => {
    const url = route.replace(':hash', hash).replace(':id', workflowId).replace(':approval', approvalId);
    const payload = body() as Record<string, unknown> | undefined;
    const res = await app.rest.inject({ method, url, headers: creds[caller], ...(payload ? { payload } : {}) });
    if (allowed) {
      expect([401, 403], `${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
    } else {
      expect(res.statusCode).toBe(caller === 'anonymous' ? 401 : 403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(caller === 'anonymous' ? 'unauthenticated' : 'forbidden');
    }
  });

  it("records the authenticated principal as submitted_by and keeps the package's actor as claimed", async () => {
    const pkg = { ...uniquePackage('who'), actor: { actor_type: 'human', id: 'claims-to-be-the-ceo', auth_provider: 'none' } };
    const signed = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      headers: creds.scope_write,
      payload: { evidence_package: pkg },
    });
    const { workflow_id, receipt } = signed.json();
    const status = (await app.rest.inject({ url: `/api/v1/workflows/${workflow_id}/status`, headers: creds.scope_read })).json();
    expect(status.submitted_by).toBe('jwt:writer-app');
    const evidence = (
      await app.rest.inject({ url: `/api/v1/evidence/${receipt.evidence_package_hash}`, headers: creds.scope_read })
    ).json();
    expect(evidence).toMatchObject({ actor_id: 'claims-to-be-the-ceo', submitted_by: 'jwt:writer-app' });
  });

  it('lists API keys without the key or its hash, and never shows a key again', async () => {
    const list = (await app.rest.inject({ url: '/api/v1/auth/api-keys', headers: creds.admin })).json().api_keys;
    expect(list.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(list);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/key_hash|api_key"/);
  });

  it('audits creations, reads, denials and auth failures in a chain that verifies', async () => {
    await app.rest.inject({ url: '/api/v1/workflows', headers: { 'x-api-key': 'afdp_wrongwrongwrong' } });
    app.security.failureRollup.flush(); // failures are one row per address and window
    await app.security.audit.flush();
    const q = async (query: string) =>
      (await app.rest.inject({ url: `/api/v1/audit?${query}`, headers: creds.security_analyst })).json().entries;
    const created = await q('event=evidence.created&page_size=100');
    expect(
      created.some(
        (e: { principal: string; details: { workflow_id: string } }) =>
          e.details.workflow_id === workflowId && e.principal.startsWith('api_key:'),
      ),
    ).toBe(true);
    const failures = await q('event=auth.failure');
    expect(failures[0]).toMatchObject({
      outcome: 'failure',
      principal: null,
      details: { client: '127.0.0.1', reasons: { unknown_key: 1, missing: expect.any(Number) } },
    });
    const denied = await q('event=auth.denied');
    expect(denied.some((e: { details: { permission: string } }) => e.details.permission === 'keys.rotate')).toBe(true);
    expect((await q('event=key.rotated'))[0]).toMatchObject({
      principal: expect.stringMatching(/^api_key:/),
      details: { version: expect.any(Number) },
    });
    expect(await q('event=approval.recorded')).toHaveLength(2); // security_analyst and admin decided
    expect(await app.security.audit.verify()).toMatchObject({ ok: true });
  });

  it('revokes an API key for every later request', async () => {
    const { key, id } = await createApiKey(app.rest, creds.admin, 'short-lived', ['ai_engineer']);
    secrets.push(key);
    expect((await app.rest.inject({ url: '/api/v1/workflows', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    const revoked = await app.rest.inject({ method: 'DELETE', url: `/api/v1/auth/api-keys/${id}`, headers: creds.admin });
    expect(revoked.json()).toMatchObject({ id, revoked_by: expect.stringMatching(/^api_key:/), revoked_at: expect.any(String) });
    const res = await app.rest.inject({ url: '/api/v1/workflows', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/revoked/);
  });

  describe('JWT verification', () => {
    const call = async (token: string) => app.rest.inject({ url: '/api/v1/workflows', headers: bearer(token) });
    const refused = async (token: string, detail: RegExp) => {
      secrets.push(token);
      const res = await call(token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(res.json()).toMatchObject({ code: 'unauthenticated', detail: expect.stringMatching(detail) });
    };
    const claims = { sub: 'eve', roles: ['admin'] };

    it('refuses an expired token (beyond the clock skew) but accepts one within it', async () => {
      await refused(await issuer.token(claims, { expiresIn: -120 }), /expired/);
      const withinSkew = await issuer.token({ sub: 'sam', roles: ['security_analyst'] }, { expiresIn: -10 });
      secrets.push(withinSkew);
      expect((await call(withinSkew)).statusCode).toBe(200);
    });
    it('refuses a token for another audience', async () =>
      refused(await issuer.token(claims, { audience: 'some-other-api' }), /not meant for this service/));
    it('refuses a token from another issuer', async () =>
      refused(await issuer.token(claims, { issuer: 'https://evil.example' }), /untrusted issuer/));
    it('refuses a token signed with a key the issuer does not publish', async () =>
      refused(await issuer.token(claims, { foreignKey: true }), /not signed by a key/));
    it('refuses a token naming an unknown kid', async () =>
      refused(await issuer.token(claims, { kid: 'rotated-away' }), /not signed by a key/));
    it('refuses an altered token', async () => {
      const [h, , s] = (await issuer.token({ sub: 'sam', roles: ['security_analyst'] })).split('.');
      await refused(
        `${h}.${Buffer.from(JSON.stringify({ ...claims, iss: issuer.issuer, aud: issuer.audience, exp: 9e9 })).toString('base64url')}.${s}`,
        /not signed by a key/,
      );
    });
  });

  it('declares every route in the permission table', () => {
    expect(app.logLines.filter((l) => l.includes('missing from the permission table'))).toEqual([]);
  });

  it('writes no secret (token, API key, passphrase) into any log line', () => {
    expect(app.logLines.length).toBeGreaterThan(0);
    for (const line of app.logLines)
      for (const s of secrets) expect(line.includes(s), `secret in log line: ${line.slice(0, 200)}`).toBe(false);
  });
});

describe('authentication off (the embedded default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NOTARY_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => app?.close());

  it('warns loudly at start that the API is open', () => {
    expect(app.logLines.some((l) => l.includes('AUTHENTICATION IS OFF') && l.includes('"level":40'))).toBe(true);
  });

  it('lets anonymous callers notarize and read, with no submitted_by', async () => {
    const signed = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      payload: { evidence_package: uniquePackage('open') },
    });
    expect(signed.statusCode).toBe(200);
    const status = (await app.rest.inject(`/api/v1/workflows/${signed.json().workflow_id}/status`)).json();
    expect(status.submitted_by).toBeNull();
  });

  it('still needs a credential for admin and audit routes', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/keys/rotate'],
      ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/auth/api-keys'],
    ] as const) {
      expect((await app.rest.inject({ method, url })).statusCode).toBe(401);
    }
    expect((await app.rest.inject({ url: '/api/v1/audit', headers: bearer(ADMIN_TOKEN) })).statusCode).toBe(200);
  });

  it('holds a presented credential to RBAC, and refuses a bad one', async () => {
    const { key } = await createApiKey(app.rest, bearer(ADMIN_TOKEN), 'eng', ['ai_engineer']);
    const signed = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      headers: { 'x-api-key': key },
      payload: { evidence_package: uniquePackage('open-key') },
    });
    const status = (await app.rest.inject(`/api/v1/workflows/${signed.json().workflow_id}/status`)).json();
    expect(status.submitted_by).toMatch(/^api_key:/);
    expect((await app.rest.inject({ url: '/api/v1/audit', headers: { 'x-api-key': key } })).statusCode).toBe(403);
    expect((await app.rest.inject({ url: '/api/v1/workflows', headers: bearer('garbage') })).statusCode).toBe(401);
  });

  it('sends secure headers and no CORS headers', async () => {
    const res = await app.rest.inject({ url: '/health', headers: { origin: 'https://evil.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS allow-list', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NOTARY_AUTH_MODE: 'required', NOTARY_CORS_ORIGINS: 'https://console.example' });
  });
  afterAll(async () => app?.close());

  it('answers preflights for listed origins without credentials, and nothing for others', async () => {
    const preflight = (origin: string) =>
      app.rest.inject({
        method: 'OPTIONS',
        url: '/api/v1/evidence/sign',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const ok = await preflight('https://console.example');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    // the actual request still needs a credential
    expect((await app.rest.inject({ url: '/api/v1/workflows', headers: { origin: 'https://console.example' } })).statusCode).toBe(401);
  });
});
