import { makePrincipal, unauthenticated, type PeerCertificate, type Principal } from '../../core/auth/index.js';

export { hasCertificate, type PeerCertificate } from '../../core/auth/index.js';

/**
 * Subject → principal. Only a certificate the TLS layer verified against our CA counts; an
 * unverified one is refused rather than ignored, so a misconfigured client sees why it fails.
 * A trusted certificate whose CN is not mapped authenticates with no roles (403, not 401).
 */
export function principalFromCertificate(cert: PeerCertificate, subjectRoles: Readonly<Record<string, readonly string[]>>): Principal {
  if (!cert.authorized) throw unauthenticated('bad_signature', 'the client certificate is not issued by a trusted CA');
  const raw = (cert.subject as { CN?: unknown } | undefined)?.CN;
  const cn = Array.isArray(raw) ? raw[0] : raw;
  if (typeof cn !== 'string' || cn === '') throw unauthenticated('malformed', 'the client certificate has no subject CN');
  return makePrincipal({ kind: 'mtls', subject: cn, roles: Object.hasOwn(subjectRoles, cn) ? subjectRoles[cn]! : [] });
}
