import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type InputLimits } from './core/limits.js';

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
}

export interface Config {
  host: string;
  httpPort: number;
  grpcPort: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** where this service is reachable: the embedded log's URL in receipts */
  publicUrl: string;
  logOrigin: string;
  keyringPassphrase?: string;
  adminToken?: string;
  limits: InputLimits;
  shutdownGraceMs: number;
  anchorRetryMs: number;
  vault?: VaultConfig;
  rekor?: { url: string; publicKeyPem?: string };
  tracing: { endpoint?: string; serviceName: string };
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
  return {
    host: r.str('NOTARY_HOST', '0.0.0.0'),
    httpPort,
    grpcPort: r.int('NOTARY_GRPC_PORT', 50051, 0, 65535),
    dataDir: resolve(r.str('NOTARY_DATA_DIR', './data')),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    publicUrl: r.url('NOTARY_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${httpPort}`,
    logOrigin: r.str('NOTARY_LOG_ORIGIN', 'afdp-notary.local/log'),
    keyringPassphrase: r.optional('NOTARY_KEYRING_PASSPHRASE'),
    adminToken: r.optional('NOTARY_ADMIN_TOKEN'),
    limits: {
      maxBodyBytes: r.int('NOTARY_MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes, 1024, 64 * 1024 * 1024),
      maxArtifacts: r.int('NOTARY_MAX_ARTIFACTS', DEFAULT_LIMITS.maxArtifacts, 1, 100_000),
      maxMetadataDepth: r.int('NOTARY_MAX_METADATA_DEPTH', DEFAULT_LIMITS.maxMetadataDepth, 1, 256),
      maxStringLength: r.int('NOTARY_MAX_STRING_LENGTH', DEFAULT_LIMITS.maxStringLength, 16, 16 * 1024 * 1024),
      maxNodes: r.int('NOTARY_MAX_JSON_NODES', DEFAULT_LIMITS.maxNodes, 16, 10_000_000),
    },
    shutdownGraceMs: r.int('NOTARY_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    anchorRetryMs: r.int('NOTARY_ANCHOR_RETRY_MS', 5_000, 100, 3_600_000),
    vault: vaultConfig(r),
    rekor: rekorConfig(r),
    tracing: { endpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']), serviceName: r.str('OTEL_SERVICE_NAME', 'afdp-notary') },
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
  };
}

function rekorConfig(r: Reader): Config['rekor'] {
  const url = r.url('REKOR_URL', ['http:', 'https:']);
  if (!url) return undefined;
  const keyFile = r.optional('REKOR_PUBLIC_KEY_FILE');
  return { url, publicKeyPem: keyFile ? r.file('REKOR_PUBLIC_KEY_FILE', keyFile) : undefined };
}

type Reader = ReturnType<typeof reader>;

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
    store: c.databaseUrl ? `postgres ${strip(c.databaseUrl)}` : 'pglite',
    signer: c.vault ? `vault ${c.vault.addr} ${c.vault.mount}/${c.vault.key} (${c.vault.auth.method})` : 'local keyring',
    log: c.rekor ? `rekor ${c.rekor.url}` : 'embedded',
    tracing: c.tracing.endpoint ? `otlp ${strip(c.tracing.endpoint)}` : 'off',
    limits: c.limits,
  };
}
