import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.js';

const oidc = {
  NOTARY_OIDC_ISSUER: 'https://id.example',
  NOTARY_OIDC_AUDIENCE: 'afdp-notary',
  NOTARY_OIDC_JWKS_URL: 'https://id.example/jwks',
};
const failure = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('security settings', () => {
  it('leaves auth off, rate limits off and CORS closed when nothing is configured', () => {
    const c = loadConfig({});
    expect(c.auth).toEqual({ mode: 'off', oidc: undefined, mtlsSubjectRoles: {} });
    expect(c.rateLimit).toBeUndefined();
    expect(c.corsOrigins).toEqual([]);
    expect(c.tls).toBeUndefined();
  });

  it('switches auth on when an issuer or an mTLS mapping is configured; NOTARY_AUTH_MODE overrides', () => {
    expect(loadConfig(oidc).auth.mode).toBe('required');
    expect(loadConfig({ NOTARY_MTLS_SUBJECT_ROLES: '{"ci":["ai_engineer"]}' }).auth.mode).toBe('required');
    expect(loadConfig({ NOTARY_AUTH_MODE: 'required' }).auth.mode).toBe('required');
    expect(loadConfig({ ...oidc, NOTARY_AUTH_MODE: 'off' }).auth.mode).toBe('off');
    // the bootstrap admin token alone does not close the API (existing deployments keep working)
    expect(loadConfig({ NOTARY_ADMIN_TOKEN: 't' }).auth.mode).toBe('off');
  });

  it('names the wrong variable', () => {
    expect(failure({ NOTARY_OIDC_ISSUER: 'https://id.example' }).variable).toBe('NOTARY_OIDC_AUDIENCE');
    expect(failure({ ...oidc, NOTARY_OIDC_JWKS_URL: 'ftp://x' }).variable).toBe('NOTARY_OIDC_JWKS_URL');
    expect(failure({ NOTARY_MTLS_SUBJECT_ROLES: '{"ci":["root"]}' }).variable).toBe('NOTARY_MTLS_SUBJECT_ROLES');
    expect(failure({ NOTARY_MTLS_SUBJECT_ROLES: 'ci=admin' }).variable).toBe('NOTARY_MTLS_SUBJECT_ROLES');
    expect(failure({ NOTARY_AUTH_MODE: 'maybe' }).variable).toBe('NOTARY_AUTH_MODE');
    expect(failure({ NOTARY_RATE_LIMIT_MAX: '0' }).variable).toBe('NOTARY_RATE_LIMIT_MAX');
    expect(failure({ NOTARY_TLS_CERT_FILE: '/nonexistent.crt', NOTARY_TLS_KEY_FILE: '/nonexistent.key' }).variable).toBe(
      'NOTARY_TLS_CERT_FILE',
    );
    expect(failure({ REDIS_URL: 'http://redis' }).variable).toBe('REDIS_URL');
  });

  it('describes the security posture at start-up without secrets', () => {
    const d = describeConfig(
      loadConfig({ ...oidc, NOTARY_ADMIN_TOKEN: 'top-secret', NOTARY_RATE_LIMIT_MAX: '10', REDIS_URL: 'redis://:hunter2@redis:6379' }),
    );
    const text = JSON.stringify(d);
    expect(text).not.toContain('top-secret');
    expect(text).not.toContain('hunter2');
    expect(d).toMatchObject({ auth: { mode: 'required', adminToken: 'set' }, rateLimit: expect.stringContaining('redis'), cors: 'closed' });
  });
});
