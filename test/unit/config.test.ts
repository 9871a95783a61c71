import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config.js';
import { tempDir } from '../support/databases.js';
import { configErrorOf } from '../support/config-errors.js';

const errorOf = configErrorOf;

describe('config', () => {
  it('runs on embedded defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ httpPort: 3030, grpcPort: 50051, logLevel: 'info', publicUrl: 'http://localhost:3030' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.vault).toBeUndefined();
    expect(c.rekor).toBeUndefined();
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('reads the evidence and audit retention in whole days (unset: kept forever)', () => {
    expect(loadConfig({}).retentionEvidenceDays).toBeUndefined();
    expect(loadConfig({ NOTARY_RETENTION_EVIDENCE_DAYS: '2555' }).retentionEvidenceDays).toBe(2555);
    for (const v of ['0', '1.5', 'forever', '-3'])
      expect(errorOf({ NOTARY_RETENTION_EVIDENCE_DAYS: v })?.variable).toBe('NOTARY_RETENTION_EVIDENCE_DAYS');
    expect(loadConfig({}).retentionAuditDays).toBeUndefined();
    expect(loadConfig({ NOTARY_RETENTION_AUDIT_DAYS: '2192' }).retentionAuditDays).toBe(2192);
    for (const v of ['0', '1.5', 'forever', '-3'])
      expect(errorOf({ NOTARY_RETENTION_AUDIT_DAYS: v })?.variable).toBe('NOTARY_RETENTION_AUDIT_DAYS');
  });

  it('reads the REST connection bounds, and refuses a headers timeout longer than the request timeout', () => {
    expect(loadConfig({}).http).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 1024,
      maxDrainBytes: 64 * 1024 * 1024,
    });
    expect(loadConfig({ NOTARY_HTTP_REQUEST_TIMEOUT_MS: '5000', NOTARY_HTTP_MAX_CONNECTIONS: '10' }).http).toMatchObject({
      requestTimeoutMs: 5000,
      headersTimeoutMs: 5000,
      maxConnections: 10,
    });
    expect(errorOf({ NOTARY_HTTP_REQUEST_TIMEOUT_MS: '1000', NOTARY_HTTP_HEADERS_TIMEOUT_MS: '2000' })?.variable).toBe(
      'NOTARY_HTTP_HEADERS_TIMEOUT_MS',
    );
    expect(errorOf({ NOTARY_HTTP_MAX_CONNECTIONS: '0' })?.variable).toBe('NOTARY_HTTP_MAX_CONNECTIONS');
  });

  it('names the variable that is wrong', () => {
    expect(errorOf({ NOTARY_HTTP_PORT: '70000' })?.variable).toBe('NOTARY_HTTP_PORT');
    expect(errorOf({ NOTARY_HTTP_PORT: '3o30' })?.variable).toBe('NOTARY_HTTP_PORT');
    expect(errorOf({ LOG_LEVEL: 'loud' })?.variable).toBe('LOG_LEVEL');
    expect(errorOf({ DATABASE_URL: 'mysql://x' })?.variable).toBe('DATABASE_URL');
    expect(errorOf({ VAULT_ADDR: 'http://vault:8200' })?.variable).toBe('VAULT_TOKEN');
    expect(errorOf({ VAULT_ADDR: 'http://vault:8200', VAULT_AUTH_METHOD: 'approle', VAULT_ROLE_ID: 'r' })?.variable).toBe(
      'VAULT_SECRET_ID',
    );
  });

  it('never echoes a secret-bearing value in errors or the start-up description', () => {
    const err = errorOf({ DATABASE_URL: 'postgres://user:hunter2@[bad' });
    expect(err?.message).not.toContain('hunter2');
    const c = loadConfig({
      DATABASE_URL: 'postgres://user:hunter2@db:5432/notary',
      VAULT_ADDR: 'http://v:8200',
      VAULT_TOKEN: 's.secret-token',
      NOTARY_KEYRING_PASSPHRASE: 'pass-phrase',
    });
    const text = JSON.stringify(describeConfig(c));
    for (const secret of ['hunter2', 's.secret-token', 'pass-phrase']) expect(text).not.toContain(secret);
  });
});

describe('Pulsar config', () => {
  it('is off without PULSAR_SERVICE_URL and uses AFDP topic defaults with it', () => {
    expect(loadConfig({}).pulsar).toBeUndefined();
    const c = loadConfig({
      PULSAR_SERVICE_URL: 'pulsar+ssl://broker:6651',
      PULSAR_TOKEN: 'tok-secret',
      PULSAR_RESULTS_TOPIC: 'my.results',
    });
    expect(c.pulsar?.topics.events).toBe('persistent://afdp/default/afdp.pipeline.events');
    expect(c.pulsar?.topics.results).toBe('persistent://afdp/default/my.results');
    expect(c.pulsar?.subscription).toBe('afdp-notary-subscription');
    expect(c.pulsar?.auth).toEqual({ method: 'token', token: 'tok-secret' });
    expect(JSON.stringify(describeConfig(c))).not.toContain('tok-secret');
    expect(errorOf({ PULSAR_SERVICE_URL: 'http://broker' })?.variable).toBe('PULSAR_SERVICE_URL');
  });
});

describe('transparency and timestamp config', () => {
  const keyFile = (): string => {
    const path = join(tempDir(), 'log.pub');
    writeFileSync(
      path,
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAPn+AREHoBaZ7wgS1zBqpxmLSGnyhxXj4lFxSdWVB8o8=\n-----END PUBLIC KEY-----\n',
    );
    return path;
  };

  it('defaults: embedded log, embedded TSA with the documentation-range policy OID', () => {
    const c = loadConfig({});
    expect(c.tsa).toEqual({ mode: 'embedded', policyOid: '1.3.6.1.4.1.32473.3161.1' });
    expect(describeConfig(c)).toMatchObject({ log: 'embedded', timestamps: 'embedded' });
  });

  it('Rekor v1 stays the default version; v2 needs a pinned key and derives origin and tiles URL from REKOR_URL', () => {
    expect(loadConfig({ REKOR_URL: 'https://rekor.sigstore.dev/' }).rekor).toEqual({
      url: 'https://rekor.sigstore.dev',
      apiVersion: 1,
      publicKeyPem: undefined,
    });
    const v2 = loadConfig({
      REKOR_URL: 'https://log2025-1.rekor.sigstore.dev',
      REKOR_API_VERSION: '2',
      REKOR_PUBLIC_KEY_FILE: keyFile(),
    }).rekor;
    expect(v2).toMatchObject({ apiVersion: 2, origin: 'log2025-1.rekor.sigstore.dev', tilesUrl: 'https://log2025-1.rekor.sigstore.dev' });
    expect(errorOf({ REKOR_URL: 'https://log.example', REKOR_API_VERSION: '2' })?.variable).toBe('REKOR_PUBLIC_KEY_FILE');
    expect(errorOf({ REKOR_URL: 'https://log.example', REKOR_API_VERSION: '3' })?.variable).toBe('REKOR_API_VERSION');
    expect(errorOf({ REKOR_API_VERSION: '2' })?.variable).toBe('REKOR_API_VERSION');
    expect(
      errorOf({ REKOR_URL: 'https://log.example', REKOR_API_VERSION: '2', REKOR_PUBLIC_KEY_FILE: keyFile(), REKOR_ORIGIN: 'has space' })
        ?.variable,
    ).toBe('REKOR_ORIGIN');
  });

  it('NOTARY_TSA_URL picks a remote TSA; NOTARY_TIMESTAMPS=off turns timestamps off, except with Rekor v2', () => {
    expect(loadConfig({ NOTARY_TSA_URL: 'https://timestamp.sigstore.dev/api/v1/timestamp' }).tsa).toEqual({
      mode: 'remote',
      url: 'https://timestamp.sigstore.dev/api/v1/timestamp',
      certChainPem: undefined,
    });
    expect(loadConfig({ NOTARY_TIMESTAMPS: 'off' }).tsa).toEqual({ mode: 'off' });
    expect(errorOf({ NOTARY_TIMESTAMPS: 'off', NOTARY_TSA_URL: 'https://tsa.example' })?.variable).toBe('NOTARY_TIMESTAMPS');
    expect(
      errorOf({ NOTARY_TIMESTAMPS: 'off', REKOR_URL: 'https://log.example', REKOR_API_VERSION: '2', REKOR_PUBLIC_KEY_FILE: keyFile() })
        ?.variable,
    ).toBe('NOTARY_TIMESTAMPS');
    expect(errorOf({ NOTARY_TSA_URL: 'ftp://tsa' })?.variable).toBe('NOTARY_TSA_URL');
    expect(errorOf({ NOTARY_TSA_POLICY_OID: '2.25.174099561811637799206070877518513513804' })?.variable).toBe('NOTARY_TSA_POLICY_OID');
    expect(errorOf({ NOTARY_TSA_POLICY_OID: '1.2.03' })?.variable).toBe('NOTARY_TSA_POLICY_OID');
    expect(errorOf({ NOTARY_TSA_URL: 'https://tsa.example', NOTARY_TSA_CERT_CHAIN_FILE: '/nonexistent/chain.pem' })?.variable).toBe(
      'NOTARY_TSA_CERT_CHAIN_FILE',
    );
  });
});
