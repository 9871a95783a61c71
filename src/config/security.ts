import { isRole } from '../core/auth/permissions.js';
import { ConfigError, type Reader } from './reader.js';

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

/** The settings securityConfig reads. */
export interface SecurityConfig {
  auth: AuthConfig;
  tls?: TlsConfig;
  /** per principal (or per IP when anonymous), shared by all replicas through Redis when redisUrl is set */
  rateLimit?: { max: number; windowMs: number };
  redisUrl?: string;
  /** CORS allow-list; empty: no CORS headers at all, so browsers block cross-origin calls */
  corsOrigins: string[];
}

export function securityConfig(r: Reader): SecurityConfig {
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
    corsOrigins: (r.optional('NOTARY_CORS_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

function oidcConfig(r: Reader): OidcConfig | undefined {
  const issuer = r.optional('NOTARY_OIDC_ISSUER');
  if (!issuer) return undefined;
  return {
    issuer,
    audience: r
      .required('NOTARY_OIDC_AUDIENCE')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    jwksUrl: r.url('NOTARY_OIDC_JWKS_URL', ['http:', 'https:']) ?? r.required('NOTARY_OIDC_JWKS_URL'),
    clockSkewSeconds: r.int('NOTARY_OIDC_CLOCK_SKEW_SECONDS', 30, 0, 600),
    rolesClaim: r.str('NOTARY_OIDC_ROLES_CLAIM', 'roles'),
    // asymmetric only: a JWKS never holds shared secrets, and this keeps `none`/HS* out for good
    algorithms: r
      .str('NOTARY_OIDC_ALGORITHMS', 'RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,EdDSA')
      .split(',')
      .map((a) => a.trim()),
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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('NOTARY_MTLS_SUBJECT_ROLES', 'must be a JSON object of CN → [roles]');
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
