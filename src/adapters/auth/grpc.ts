import { decideAccess, type AccessRule, type AuthMode, type Permission, type Principal } from '../../core/auth/index.js';
import type { Authenticator } from './authenticator.js';
import { hasCertificate, type PeerCertificate } from './mtls.js';

/**
 * The gRPC door's twin of the REST route table: full method name → permission. HealthCheck (and
 * grpc.health.v1 / reflection) stay open like /health. A method missing here is denied when auth is on.
 */
export const GRPC_METHOD_PERMISSIONS: Readonly<Record<string, Permission | 'public'>> = {
  '/afdp.notary.v1.NotaryService/SignEvidence': 'evidence.create',
  '/afdp.notary.v1.NotaryService/SignEvidenceWithApproval': 'evidence.create',
  '/afdp.notary.v1.NotaryService/SignEvidenceBatch': 'evidence.create',
  '/afdp.notary.v1.NotaryService/SignEvidenceStream': 'evidence.create',
  '/afdp.notary.v1.NotaryService/GetWorkflowStatus': 'evidence.read',
  '/afdp.notary.v1.NotaryService/ValidateEvidence': 'evidence.read',
  '/afdp.notary.v1.NotaryService/GetNotarizationReceipt': 'evidence.read',
  '/afdp.notary.v1.NotaryService/ListWorkflows': 'evidence.read',
  '/afdp.notary.v1.NotaryService/HealthCheck': 'public',
  '/grpc.health.v1.Health/Check': 'public',
  '/grpc.health.v1.Health/Watch': 'public',
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo': 'public',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': 'public',
};

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
export function authenticateGrpcMetadata(authn: Authenticator, metadata: MetadataRecord, peerCert?: PeerCertificate): Promise<Principal | undefined> {
  return authn.authenticate({
    authorization: first(metadata.authorization),
    apiKey: first(metadata['x-api-key']),
    peerCertificate: peerCert && hasCertificate(peerCert) ? peerCert : undefined,
  });
}

/**
 * Authenticate and authorize one gRPC call. Returns the principal (undefined: anonymous, allowed
 * only while auth is off). Throws AuthError: map `unauthenticated` → status UNAUTHENTICATED (16),
 * `forbidden` → PERMISSION_DENIED (7); NotaryError `unavailable` (issuer JWKS down) → UNAVAILABLE.
 */
export async function authorizeGrpcCall(
  authn: Authenticator, mode: AuthMode, method: string, metadata: MetadataRecord, peerCert?: PeerCertificate,
): Promise<Principal | undefined> {
  const rule: AccessRule = Object.hasOwn(GRPC_METHOD_PERMISSIONS, method) ? GRPC_METHOD_PERMISSIONS[method] : undefined;
  if (rule === 'public') return undefined;
  const principal = await authenticateGrpcMetadata(authn, metadata, peerCert);
  decideAccess(mode, rule, principal);
  return principal;
}
