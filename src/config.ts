import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRole } from './core/auth/permissions.js';
import type { PulsarConfig } from './adapters/events/pulsar/config.js';
import { pulsarConfig } from './config-pulsar.js';
import { rekorConfig, tsaConfig, type RekorConfig, type TsaConfig } from './config-transparency.js';
import { DEFAULT_LIMITS, type InputLimits } from './core/limits.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './api/rest/connections.js';
import { checkGlobalWebhookUrl, hardeningConfig, type HardeningConfig } from './config-hardening.js';
import { isRedactPath } from './observability/log-safety.js';
import type { SigningAlgorithm } from './core/signing-algorithm.js';
import { siemConfig, type SiemConfig } from './config-siem.js';
import { pkcs11Config, type Pkcs11Config } from './config-pkcs11.js';

export type VaultAuthConfig =
  | { method: 'token'; token: string }
  | { method: 'approle'; roleId: string; secretId: string; mount?: string }
  | { method: 'kubernetes'; role: string; jwtPath: string; mount?: string };

export interface VaultConfig {
  addr: string;
  mount: string;
  key: string;
  namespace?: string;
  caCertPem?: string;
  auth: VaultAuthConfig;
  createKey: boolean;
  /** the type NOTARY_VAULT_CREATE_KEY creates: NOTARY_SIGNING_ALGORITHM */
  keyType: SigningAlgorithm;
  /** its own transit key (aes256-gcm96) whose data keys encrypt evidence bodies; undefined: the local KEK does */
  evidenceKey?: string;
  /** one data key seals bodies for at most this long and this many bodies */
  dataKeyWindow: { ms: number; uses: number };
}

export interface OidcConfig {
  issuer: string;
  audience: string[];
  jwksUrl: string;
  clockSkewSeconds: number;
  /** dotted path of the claim holding role names, e.g. `roles` or `realm_access.roles` */
  rolesClaim: string;
  algorithms: string[];
}

export interface AuthConfig {
  /** off: anonymous callers may notarize and read (the embedded default); required: every non-public route needs a credential */
  mode: 'off' | 'required';
  oidc?: OidcConfig;
  /** mTLS: certificate subject CN → roles */
  mtlsSubjectRoles: Record<string, string[]>;
}

export interface TlsConfig {
  certPem: string;
  keyPem: string;
  /** CA that signs client certificates (mTLS) */
  caPem?: string;
  /** optional: a client certificate is asked for and, when valid, authenticates; required: the handshake fails without one */
  clientAuth: 'none' | 'optional' | 'required';
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config extends HardeningConfig {
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
  auth: AuthConfig;
  tls?: TlsConfig;
  /** per principal (or per IP when anonymous), shared by all replicas through Redis when redisUrl is set */
  rateLimit?: { max: number; windowMs: number };
  redisUrl?: string;
  /** CORS allow-list; empty: no CORS headers at all, so browsers block cross-origin calls */
  corsOrigins: string[];
  workflows: WorkflowsConfig;
}

export interface WorkflowsConfig {
  maxBatchSize: number;
  defaultExpiresSeconds: number;
  /** period of the expiry / resume / webhook loop */
  pollMs: number;
  /** HMAC key of webhook signatures; without it no webhook is sent */
  webhookSecret?: string;
  /** every workflow notification also goes here */
  webhookUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

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
    retentionEvidenceDays: r.optional('NOTARY_RETENTION_EVIDENCE_DAYS') === undefined ? undefined : r.int('NOTARY_RETENTION_EVIDENCE_DAYS', 0, 1, 365_000),
    retentionAuditDays: r.optional('NOTARY_RETENTION_AUDIT_DAYS') === undefined ? undefined : r.int('NOTARY_RETENTION_AUDIT_DAYS', 0, 1, 365_000),
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
    tracing: { endpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']), serviceName: r.str('OTEL_SERVICE_NAME', 'afdp-notary') },
    ...security,
    workflows,
    ...hardening,
  };
}

/** NOTARY_LOG_REDACT: comma-separated pino redact paths, e.g. `patient.*,*.ssn,req.headers["x-patient-id"]`. */
function logRedact(r: Reader): string[] {
  const paths = (r.optional('NOTARY_LOG_REDACT') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const bad = paths.find((p) => !isRedactPath(p));
  // the path itself is an operator's field name, not a secret: safe to name
  if (bad !== undefined) throw new ConfigError('NOTARY_LOG_REDACT', `"${bad.slice(0, 80)}" is not a redact path (dotted keys, *, ["quoted key"], [index])`);
  if (paths.length > 200) throw new ConfigError('NOTARY_LOG_REDACT', 'at most 200 paths');
  return paths;
}

function httpLimits(r: Reader): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const requestTimeoutMs = r.int('NOTARY_HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 3_600_000);
  const headersTimeoutMs = r.int('NOTARY_HTTP_HEADERS_TIMEOUT_MS', Math.min(d.headersTimeoutMs, requestTimeoutMs), 100, 3_600_000);
  // Node checks the headers' deadline within the request's: a longer one would never apply
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('NOTARY_HTTP_HEADERS_TIMEOUT_MS', `must not exceed NOTARY_HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: r.int('NOTARY_HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs, 100, 3_600_000),
    maxConnections: r.int('NOTARY_HTTP_MAX_CONNECTIONS', d.maxConnections, 1, 1_000_000),
    maxDrainBytes: r.int('NOTARY_HTTP_MAX_DRAIN_BYTES', d.maxDrainBytes, 0, 1024 * 1024 * 1024),
  };
}

function workflowsConfig(r: Reader): WorkflowsConfig {
  const webhookSecret = r.optional('NOTARY_WEBHOOK_SECRET');
  const webhookUrl = r.url('NOTARY_WEBHOOK_URL', ['http:', 'https:']);
  // an unsigned notification could be forged by anyone who can reach the receiver
  if (webhookUrl && !webhookSecret) throw new ConfigError('NOTARY_WEBHOOK_URL', 'needs NOTARY_WEBHOOK_SECRET to sign deliveries');
  if (webhookSecret && webhookSecret.length < 16) throw new ConfigError('NOTARY_WEBHOOK_SECRET', 'must be at least 16 characters');
  return {
    maxBatchSize: r.int('NOTARY_MAX_BATCH_SIZE', 100, 1, 1000),
    defaultExpiresSeconds: r.int('NOTARY_APPROVAL_DEFAULT_EXPIRES_S', 86_400, 1, 30 * 86_400),
    pollMs: r.int('NOTARY_WORKFLOW_POLL_MS', 1_000, 10, 3_600_000),
    webhookSecret,
    webhookUrl,
  };
}

function securityConfig(r: Reader): Pick<Config, 'auth' | 'tls' | 'rateLimit' | 'redisUrl' | 'corsOrigins'> {
  const oidc = oidcConfig(r);
  const mtlsSubjectRoles = subjectRoles(r);
  const tls = tlsConfig(r);
  // Any way to authenticate someone other than the bootstrap admin token switches auth on, so a
  // deployment that configures an issuer cannot stay open by accident. NOTARY_AUTH_MODE overrides.
  const implied = oidc || Object.keys(mtlsSubjectRoles).length > 0 ? 'required' : 'off';
  const max = r.optional('NOTARY_RATE_LIMIT_MAX') === undefined ? undefined : r.int('NOTARY_RATE_LIMIT_MAX', 0, 1, 10_000_000);
  return {
    auth: { mode: r.oneOf('NOTARY_AUTH_MODE', ['off', 'required'], implied), oidc, mtlsSubjectRoles },
    tls,
    rateLimit: max === undefined ? undefined : { max, windowMs: r.int('NOTARY_RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000) },
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    corsOrigins: (r.optional('NOTARY_CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean),
  };
}

function oidcConfig(r: Reader): OidcConfig | undefined {
  const issuer = r.optional('NOTARY_OIDC_ISSUER');
  if (!issuer) return undefined;
  return {
    issuer,
    audience: r.required('NOTARY_OIDC_AUDIENCE').split(',').map((a) => a.trim()).filter(Boolean),
    jwksUrl: r.url('NOTARY_OIDC_JWKS_URL', ['http:', 'https:']) ?? r.required('NOTARY_OIDC_JWKS_URL'),
    clockSkewSeconds: r.int('NOTARY_OIDC_CLOCK_SKEW_SECONDS', 30, 0, 600),
    rolesClaim: r.str('NOTARY_OIDC_ROLES_CLAIM', 'roles'),
    // asymmetric only: a JWKS never holds shared secrets, and this keeps `none`/HS* out for good
    algorithms: r.str('NOTARY_OIDC_ALGORITHMS', 'RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,EdDSA').split(',').map((a) => a.trim()),
  };
}

/** NOTARY_MTLS_SUBJECT_ROLES: JSON object, certificate CN → role names, e.g. {"ci-pipeline":["ai_engineer"]}. */
function subjectRoles(r: Reader): Record<string, string[]> {
  const raw = r.optional('NOTARY_MTLS_SUBJECT_ROLES');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('NOTARY_MTLS_SUBJECT_ROLES', 'must be a JSON object of CN → [roles]');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('NOTARY_MTLS_SUBJECT_ROLES', 'must be a JSON object of CN → [roles]');
  for (const [cn, roles] of Object.entries(parsed)) {
    if (!Array.isArray(roles) || !roles.every((x) => typeof x === 'string' && isRole(x))) {
      throw new ConfigError('NOTARY_MTLS_SUBJECT_ROLES', `roles of "${cn}" must be a list of ai_engineer, security_analyst, admin`);
    }
  }
  return parsed as Record<string, string[]>;
}

function tlsConfig(r: Reader): TlsConfig | undefined {
  const certFile = r.optional('NOTARY_TLS_CERT_FILE');
  if (!certFile) return undefined;
  const caFile = r.optional('NOTARY_TLS_CA_FILE');
  const clientAuth = r.oneOf('NOTARY_TLS_CLIENT_AUTH', ['none', 'optional', 'required'], caFile ? 'optional' : 'none');
  if (clientAuth !== 'none' && !caFile) throw new ConfigError('NOTARY_TLS_CLIENT_AUTH', 'needs NOTARY_TLS_CA_FILE');
  const keyFile = r.required('NOTARY_TLS_KEY_FILE');
  return {
    certPem: r.file('NOTARY_TLS_CERT_FILE', certFile),
    keyPem: r.file('NOTARY_TLS_KEY_FILE', keyFile),
    caPem: caFile ? r.file('NOTARY_TLS_CA_FILE', caFile) : undefined,
    clientAuth,
  };
}

function vaultConfig(r: Reader): VaultConfig | undefined {
  const addr = r.url('VAULT_ADDR', ['http:', 'https:']);
  if (!addr) return undefined;
  const method = r.oneOf('VAULT_AUTH_METHOD', ['token', 'approle', 'kubernetes'], 'token');
  const auth: VaultAuthConfig =
    method === 'token' ? { method, token: r.required('VAULT_TOKEN') }
    : method === 'approle' ? { method, roleId: r.required('VAULT_ROLE_ID'), secretId: r.required('VAULT_SECRET_ID'), mount: r.optional('VAULT_AUTH_MOUNT') }
    : { method, role: r.required('VAULT_K8S_ROLE'), jwtPath: r.str('VAULT_K8S_JWT_PATH', '/var/run/secrets/kubernetes.io/serviceaccount/token'), mount: r.optional('VAULT_AUTH_MOUNT') };
  const caFile = r.optional('VAULT_CACERT');
  return {
    addr,
    mount: r.str('VAULT_TRANSIT_MOUNT', 'transit'),
    key: r.str('VAULT_TRANSIT_KEY', 'afdp-notary-key'),
    namespace: r.optional('VAULT_NAMESPACE'),
    caCertPem: caFile ? r.file('VAULT_CACERT', caFile) : undefined,
    auth,
    createKey: r.bool('NOTARY_VAULT_CREATE_KEY', false),
    keyType: r.oneOf('NOTARY_SIGNING_ALGORITHM', ['ecdsa-p256', 'ecdsa-p384'], 'ecdsa-p256'),
    evidenceKey: evidenceKey(r, r.str('VAULT_TRANSIT_KEY', 'afdp-notary-key')),
    dataKeyWindow: { ms: r.int('NOTARY_VAULT_DATA_KEY_SECONDS', 300, 1, 86_400) * 1000, uses: r.int('NOTARY_VAULT_DATA_KEY_USES', 100_000, 1, 1_000_000_000) },
  };
}

/** Never the signing key: a key that signs must not also wrap data keys (and Vault would refuse the type anyway). */
function evidenceKey(r: Reader, signingKey: string): string | undefined {
  const key = r.optional('NOTARY_VAULT_EVIDENCE_KEY');
  if (key === signingKey) throw new ConfigError('NOTARY_VAULT_EVIDENCE_KEY', 'must name its own transit key, not the signing key VAULT_TRANSIT_KEY');
  return key;
}

export type Reader = ReturnType<typeof reader>;

function reader(env: Env) {
  const optional = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    optional,
    str: (name: string, def: string) => optional(name) ?? def,
    required(name: string): string {
      const v = optional(name);
      if (v === undefined) throw new ConfigError(name, 'is required with the chosen settings');
      return v;
    },
    int(name: string, def: number, min: number, max: number): number {
      const v = optional(name);
      if (v === undefined) return def;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
      return n;
    },
    bool(name: string, def: boolean): boolean {
      const v = optional(name)?.toLowerCase();
      if (v === undefined) return def;
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      throw new ConfigError(name, `must be true or false, got "${v}"`);
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], def: T): T {
      const v = optional(name);
      if (v === undefined) return def;
      if (!allowed.includes(v as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
      return v as T;
    },
    url(name: string, protocols: string[]): string | undefined {
      const v = optional(name);
      if (v === undefined) return undefined;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        // the value may hold credentials (DATABASE_URL): never echo it
        throw new ConfigError(name, 'is not a valid URL');
      }
      if (!protocols.includes(u.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
      return v.replace(/\/+$/, '');
    },
    file(name: string, path: string): string {
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        throw new ConfigError(name, `cannot read ${path}: ${(err as Error).message}`);
      }
    },
  };
}

/** What may be logged at start-up: no secrets, no credentials inside URLs. */
export function describeConfig(c: Config): Record<string, unknown> {
  const strip = (u?: string) => (u ? u.replace(/\/\/[^@/]*@/, '//***@') : undefined);
  return {
    httpPort: c.httpPort, grpcPort: c.grpcPort, dataDir: c.dataDir, publicUrl: c.publicUrl,
    store: c.databaseUrl ? `postgres ${strip(c.databaseUrl)}` : `embedded PostgreSQL in ${c.dataDir}/pg`,
    signer: c.vault ? `vault ${c.vault.addr} ${c.vault.mount}/${c.vault.key} (${c.vault.auth.method})`
      : c.pkcs11 ? `pkcs11 ${c.pkcs11.module} ${c.pkcs11.tokenLabel !== undefined ? `token "${c.pkcs11.tokenLabel}"` : `slot ${c.pkcs11.slot}`} key ${c.pkcs11.keyLabel}-vN` : 'local keyring',
    log: c.rekor ? `rekor v${c.rekor.apiVersion} ${c.rekor.url}` : 'embedded',
    timestamps: c.tsa.mode === 'remote' ? `tsa ${strip(c.tsa.url)}` : c.tsa.mode,
    pulsar: c.pulsar ? `${strip(c.pulsar.serviceUrl)} ${c.pulsar.topics.events} (${c.pulsar.auth?.method ?? 'no auth'})` : 'off',
    tracing: c.tracing.endpoint ? `otlp ${strip(c.tracing.endpoint)}` : 'off',
    logRedact: c.logRedact.length,
    siem: c.siem ? [c.siem.syslog && `syslog+tls ${c.siem.syslog.host}:${c.siem.syslog.port}`, c.siem.otlp && `otlp logs ${strip(c.siem.otlp.endpoint)}`].filter(Boolean) : 'off',
    limits: c.limits,
    http: c.http,
    auth: { mode: c.auth.mode, oidc: c.auth.oidc ? `${c.auth.oidc.issuer} aud=${c.auth.oidc.audience.join(',')}` : 'off', mtlsSubjects: Object.keys(c.auth.mtlsSubjectRoles).length, adminToken: c.adminToken ? 'set' : 'unset' },
    tls: c.tls ? `TLS 1.3, client certificates ${c.tls.clientAuth}` : 'off',
    rateLimit: c.rateLimit ? `${c.rateLimit.max}/${c.rateLimit.windowMs}ms per principal (${c.redisUrl ? `redis ${strip(c.redisUrl)}` : 'in-memory'})` : 'off',
    cors: c.corsOrigins.length ? c.corsOrigins : 'closed',
    workflows: { maxBatchSize: c.workflows.maxBatchSize, pollMs: c.workflows.pollMs, webhooks: c.workflows.webhookSecret ? strip(c.workflows.webhookUrl) ?? 'per workflow' : 'off' },
  };
}
