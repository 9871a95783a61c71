import { decideAccess, hasCertificate, type AuthMode, type PeerCertificate, type Principal } from '../../core/auth/index.js';
import type { CredentialCheck } from '../../ports/authenticator.js';
import { accessRule, methodRule } from './method-rules.js';

/** grpc-js `Metadata#getMap()` shape: keys are lower-case; binary (`-bin`) values are Buffers. */
export type MetadataRecord = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

const first = (v: MetadataRecord[string]): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : undefined;
};

/**
 * Same credentials as REST, from metadata: `authorization: Bearer <JWT | API key | admin token>`
 * or `x-api-key: <key>`, else the TLS client certificate. Returns undefined when none was sent;
 * throws AuthError when one is bad.
 */
export function authenticateGrpcMetadata(
  authn: CredentialCheck,
  metadata: MetadataRecord,
  peerCert?: PeerCertificate,
): Promise<Principal | undefined> {
  return authn.authenticate({
    authorization: first(metadata.authorization),
    apiKey: first(metadata['x-api-key']),
    peerCertificate: peerCert && hasCertificate(peerCert) ? peerCert : undefined,
  });
}

/**
 * Authenticate and authorize one gRPC call by METHOD_RULES. Returns the principal (undefined:
 * anonymous, allowed only while auth is off). Throws AuthError: `unauthenticated` → UNAUTHENTICATED
 * (16), `forbidden` → PERMISSION_DENIED (7); NotaryError `unavailable` (issuer JWKS down) → UNAVAILABLE.
 */
export async function authorizeGrpcCall(
  authn: CredentialCheck,
  mode: AuthMode,
  method: string,
  metadata: MetadataRecord,
  peerCert?: PeerCertificate,
): Promise<Principal | undefined> {
  const rule = accessRule(methodRule(method));
  if (rule === 'public') return undefined;
  const principal = await authenticateGrpcMetadata(authn, metadata, peerCert);
  decideAccess(mode, rule, principal);
  return principal;
}
