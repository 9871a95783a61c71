import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { makePrincipal, unauthenticated, type Principal } from '../../core/auth/index.js';
import { NotaryError } from '../../core/errors.js';
import type { OidcConfig } from '../../config/security.js';

/** Exactly the validated OIDC settings: one definition, in config.ts. */
export type JwtVerifierOptions = OidcConfig;

/**
 * OIDC bearer tokens, verified against the issuer's JWKS. jose caches the key set and refetches it
 * when a token names an unknown `kid` (key rotation at the issuer), at most every 30 s.
 */
export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: JwtVerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  }

  async verify(token: string): Promise<Principal> {
    const o = this.options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: o.issuer,
        audience: o.audience,
        clockTolerance: o.clockSkewSeconds,
        algorithms: o.algorithms,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      throw toAuthFailure(err);
    }
    return makePrincipal({
      kind: 'jwt',
      subject: payload.sub!,
      roles: stringList(claimAt(payload, o.rolesClaim)),
      scopes: scopesOf(payload),
    });
  }
}

/** jose's typed errors → our reasons. An unreachable JWKS is the issuer's outage, not the caller's fault: 503. */
function toAuthFailure(err: unknown): Error {
  if (err instanceof errors.JWTExpired) return unauthenticated('expired', 'the bearer token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return unauthenticated('wrong_audience', 'the bearer token is not meant for this service');
    if (err.claim === 'iss') return unauthenticated('wrong_issuer', 'the bearer token comes from an untrusted issuer');
    if (err.claim === 'nbf') return unauthenticated('not_yet_valid', 'the bearer token is not valid yet');
    return unauthenticated('invalid_claims', `the bearer token's ${err.claim} claim is invalid`);
  }
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return unauthenticated('bad_signature', 'the bearer token is not signed by a key of the issuer');
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || isFetchFailure(err)) {
    return new NotaryError('unavailable', "the token issuer's key set cannot be fetched", { cause: err });
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return unauthenticated('bad_signature', 'the bearer token uses an algorithm this service does not accept');
  return unauthenticated('malformed', 'the bearer token is not a valid JWT');
}

const isFetchFailure = (err: unknown): boolean => err instanceof TypeError && /fetch/i.test(err.message);

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
}

const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [];

/** RFC 8693 `scope` (space-separated) or the `scp` array some issuers (Azure AD, Okta) use. */
const scopesOf = (payload: JWTPayload): string[] => [...stringList(payload.scope), ...stringList(payload.scp)];
