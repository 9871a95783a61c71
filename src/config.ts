import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type InputLimits } from './core/limits.js';
import type { SigningAlgorithm } from './core/signing-algorithm.js';
import { isRedactPath } from './observability/log-safety.js';
import { checkGlobalWebhookUrl, hardeningConfig, type HardeningConfig } from './config/hardening.js';
import { httpLimits, type HttpLimits } from './config/http.js';
import { pkcs11Config, type Pkcs11Config } from './config/pkcs11.js';
import { pulsarConfig } from './config/pulsar.js';
import type { PulsarConfig } from './config/pulsar-settings.js';
import { ConfigError, reader, type Env, type Reader } from './config/reader.js';
import { securityConfig, type SecurityConfig } from './config/security.js';
import { siemConfig, type SiemConfig } from './config/siem.js';
import { rekorConfig, tsaConfig, type RekorConfig, type TsaConfig } from './config/transparency.js';
import { vaultConfig, type VaultConfig } from './config/vault.js';
import { workflowsConfig, type WorkflowsConfig } from './config/workflows.js';

// The one entry point: the settings' types live in src/config/ (adapters import them from there; config
// imports no adapter and no door), re-exported here for the composition root.
export { ConfigError, type Reader } from './config/reader.js';
export type { AuthConfig, OidcConfig, TlsConfig } from './config/security.js';
export type { VaultAuthConfig, VaultConfig } from './config/vault.js';
export type { WorkflowsConfig } from './config/workflows.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config extends HardeningConfig, SecurityConfig {
  /** NOTARY_HOST; unset: 127.0.0.1 while auth is off (nobody else may use an open notary), 0.0.0.0 with auth on */
  host: string;
  /** NOTARY_HOST was set: the operator chose what to expose */
  hostExplicit: boolean;
  httpPort: number;
  grpcPort: number;
  /** serve /metrics on this port instead of the main one */
  metricsPort?: number;
  dataDir: string;
  databaseUrl?: string;
  /** NOTARY_RETENTION_EVIDENCE_DAYS: evidence bodies older than this are purged (unset: kept forever) */
  retentionEvidenceDays?: number;
  /** NOTARY_RETENTION_AUDIT_DAYS: audit rows older than this are purged behind a signed chain start (unset: kept forever) */
  retentionAuditDays?: number;
  /** embedded PostgreSQL: /ready fails below this much free space on its disk (0: no check) */
  embeddedMinFreeBytes: number;
  logLevel: LogLevel;
  /** level of the one line per REST request / gRPC call (silent: none) */
  requestLogLevel: LogLevel;
  /** auto: pretty (pino-pretty) when stdout is a terminal, JSON lines otherwise */
  logFormat: 'auto' | 'json' | 'pretty';
  /** extra pino redact paths (NOTARY_LOG_REDACT), on top of the built-in credential and evidence paths */
  logRedact: string[];
  /** audit events streamed to a SIEM (syslog RFC 5424 over TLS, OTLP logs); undefined: off */
  siem?: SiemConfig;
  /** where this service is reachable: the embedded log's URL in receipts */
  publicUrl: string;
  logOrigin: string;
  keyringPassphrase?: string;
  /** the curve of signing keys made from now on (the embedded keyring's first key and rotations, a created Vault key) */
  signingAlgorithm: SigningAlgorithm;
  adminToken?: string;
  limits: InputLimits;
  /** REST connections: timeouts, connection cap, over-limit drain */
  http: HttpLimits;
  shutdownGraceMs: number;
  anchorRetryMs: number;
  vault?: VaultConfig;
  /** HSM signing over PKCS#11 (NOTARY_PKCS11_MODULE); exclusive with vault */
  pkcs11?: Pkcs11Config;
  rekor?: RekorConfig;
  /** RFC 3161 timestamps over every signature: the embedded TSA (default), NOTARY_TSA_URL, or off */
  tsa: TsaConfig;
  pulsar?: PulsarConfig;
  tracing: { endpoint?: string; serviceName: string };
  workflows: WorkflowsConfig;
}

/** Reads and validates every setting once, at start-up. No other module reads process.env. */
export function loadConfig(env: Env = process.env): Config {
  const r = reader(env);
  const httpPort = r.int('NOTARY_HTTP_PORT', 3030, 0, 65535);
  const security = securityConfig(r);
  const hardening = hardeningConfig(r, env);
  const workflows = workflowsConfig(r);
  checkGlobalWebhookUrl(workflows.webhookUrl, hardening.webhookPolicy);
  const host = r.optional('NOTARY_HOST');
  const rekor = rekorConfig(r);
  const vault = vaultConfig(r);
  return {
    host: host ?? (security.auth.mode === 'off' ? '127.0.0.1' : '0.0.0.0'),
    hostExplicit: host !== undefined,
    httpPort,
    grpcPort: r.int('NOTARY_GRPC_PORT', 50051, 0, 65535),
    metricsPort: r.optional('NOTARY_METRICS_PORT') === undefined ? undefined : r.int('NOTARY_METRICS_PORT', 0, 0, 65535),
    dataDir: resolve(r.str('NOTARY_DATA_DIR', './data')),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    retentionEvidenceDays:
      r.optional('NOTARY_RETENTION_EVIDENCE_DAYS') === undefined ? undefined : r.int('NOTARY_RETENTION_EVIDENCE_DAYS', 0, 1, 365_000),
    retentionAuditDays:
      r.optional('NOTARY_RETENTION_AUDIT_DAYS') === undefined ? undefined : r.int('NOTARY_RETENTION_AUDIT_DAYS', 0, 1, 365_000),
    embeddedMinFreeBytes: r.int('NOTARY_DB_MIN_FREE_MB', 64, 0, 1_048_576) * 1024 * 1024,
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    requestLogLevel: r.oneOf('NOTARY_REQUEST_LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: r.oneOf('NOTARY_LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto'),
    logRedact: logRedact(r),
    siem: siemConfig(r),
    publicUrl: r.url('NOTARY_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${httpPort}`,
    logOrigin: r.str('NOTARY_LOG_ORIGIN', 'afdp-notary.local/log'),
    keyringPassphrase: r.optional('NOTARY_KEYRING_PASSPHRASE'),
    signingAlgorithm: r.oneOf('NOTARY_SIGNING_ALGORITHM', ['ecdsa-p256', 'ecdsa-p384'], 'ecdsa-p256'),
    adminToken: r.optional('NOTARY_ADMIN_TOKEN'),
    limits: {
      maxBodyBytes: r.int('NOTARY_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes, 1024, 64 * 1024 * 1024),
      maxArtifacts: r.int('NOTARY_MAX_ARTIFACTS', DEFAULT_LIMITS.maxArtifacts, 1, 100_000),
      maxMetadataDepth: r.int('NOTARY_MAX_METADATA_DEPTH', DEFAULT_LIMITS.maxMetadataDepth, 1, 256),
      maxStringLength: r.int('NOTARY_MAX_STRING_LENGTH', DEFAULT_LIMITS.maxStringLength, 16, 16 * 1024 * 1024),
      maxNodes: r.int('NOTARY_MAX_JSON_NODES', DEFAULT_LIMITS.maxNodes, 16, 10_000_000),
      strictArtifactHashes: r.bool('NOTARY_STRICT_ARTIFACT_HASHES', DEFAULT_LIMITS.strictArtifactHashes),
    },
    http: httpLimits(r),
    shutdownGraceMs: r.int('NOTARY_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    anchorRetryMs: r.int('NOTARY_ANCHOR_RETRY_MS', 5_000, 100, 3_600_000),
    vault,
    pkcs11: pkcs11Config(r, vault !== undefined),
    rekor,
    tsa: tsaConfig(r, rekor),
    pulsar: pulsarConfig(r),
    tracing: {
      endpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
      serviceName: r.str('OTEL_SERVICE_NAME', 'afdp-notary'),
    },
    ...security,
    workflows,
    ...hardening,
  };
}

/** NOTARY_LOG_REDACT: comma-separated pino redact paths, e.g. `patient.*,*.ssn,req.headers["x-patient-id"]`. */
function logRedact(r: Reader): string[] {
  const paths = (r.optional('NOTARY_LOG_REDACT') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = paths.find((p) => !isRedactPath(p));
  // the path itself is an operator's field name, not a secret: safe to name
  if (bad !== undefined)
    throw new ConfigError('NOTARY_LOG_REDACT', `"${bad.slice(0, 80)}" is not a redact path (dotted keys, *, ["quoted key"], [index])`);
  if (paths.length > 200) throw new ConfigError('NOTARY_LOG_REDACT', 'at most 200 paths');
  return paths;
}

/** What may be logged at start-up: no secrets, no credentials inside URLs. */
export function describeConfig(c: Config): Record<string, unknown> {
  const strip = (u?: string) => (u ? u.replace(/\/\/[^@/]*@/, '//***@') : undefined);
  return {
    httpPort: c.httpPort,
    grpcPort: c.grpcPort,
    dataDir: c.dataDir,
    publicUrl: c.publicUrl,
    store: c.databaseUrl ? `postgres ${strip(c.databaseUrl)}` : `embedded PostgreSQL in ${c.dataDir}/pg`,
    signer: c.vault
      ? `vault ${c.vault.addr} ${c.vault.mount}/${c.vault.key} (${c.vault.auth.method})`
      : c.pkcs11
        ? `pkcs11 ${c.pkcs11.module} ${c.pkcs11.tokenLabel !== undefined ? `token "${c.pkcs11.tokenLabel}"` : `slot ${c.pkcs11.slot}`} key ${c.pkcs11.keyLabel}-vN`
        : 'local keyring',
    log: c.rekor ? `rekor v${c.rekor.apiVersion} ${c.rekor.url}` : 'embedded',
    timestamps: c.tsa.mode === 'remote' ? `tsa ${strip(c.tsa.url)}` : c.tsa.mode,
    pulsar: c.pulsar ? `${strip(c.pulsar.serviceUrl)} ${c.pulsar.topics.events} (${c.pulsar.auth?.method ?? 'no auth'})` : 'off',
    tracing: c.tracing.endpoint ? `otlp ${strip(c.tracing.endpoint)}` : 'off',
    logRedact: c.logRedact.length,
    siem: c.siem
      ? [
          c.siem.syslog && `syslog+tls ${c.siem.syslog.host}:${c.siem.syslog.port}`,
          c.siem.otlp && `otlp logs ${strip(c.siem.otlp.endpoint)}`,
        ].filter(Boolean)
      : 'off',
    limits: c.limits,
    http: c.http,
    auth: {
      mode: c.auth.mode,
      oidc: c.auth.oidc ? `${c.auth.oidc.issuer} aud=${c.auth.oidc.audience.join(',')}` : 'off',
      mtlsSubjects: Object.keys(c.auth.mtlsSubjectRoles).length,
      adminToken: c.adminToken ? 'set' : 'unset',
    },
    tls: c.tls ? `TLS 1.3, client certificates ${c.tls.clientAuth}` : 'off',
    rateLimit: c.rateLimit
      ? `${c.rateLimit.max}/${c.rateLimit.windowMs}ms per principal (${c.redisUrl ? `redis ${strip(c.redisUrl)}` : 'in-memory'})`
      : 'off',
    cors: c.corsOrigins.length ? c.corsOrigins : 'closed',
    workflows: {
      maxBatchSize: c.workflows.maxBatchSize,
      pollMs: c.workflows.pollMs,
      webhooks: c.workflows.webhookSecret ? (strip(c.workflows.webhookUrl) ?? 'per workflow') : 'off',
    },
  };
}
