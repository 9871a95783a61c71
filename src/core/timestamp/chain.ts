/**
 * Certificate path from a TSA's signing certificate to the root of one trusted authority, checked
 * at the token's genTime: a timestamp stays verifiable after its certificates expire, because what
 * matters is that they were valid when it was made (RFC 3161 §4.3, Sigstore's verifiers alike).
 */
import type { X509Certificate } from 'node:crypto';
import type { TrustedTimestampAuthority } from './authority.js';
import { isTimestampingCertificate } from './authority.js';
import { TimestampError } from './errors.js';

const MAX_DEPTH = 8;

export function checkChain(
  signer: X509Certificate,
  authority: TrustedTimestampAuthority,
  at: Date,
  extra: X509Certificate[] = [],
): X509Certificate[] {
  const root = authority.chain.at(-1);
  if (!root) throw new TimestampError('chain', `authority ${authority.name} has no certificates`);
  if (!isTimestampingCertificate(signer)) {
    throw new TimestampError(
      'chain',
      'the signing certificate is not a TSA certificate (needs one critical extended key usage, timeStamping)',
    );
  }
  const pool = [...authority.chain, ...extra];
  const path = [signer];
  for (let cur = signer; cur.fingerprint256 !== root.fingerprint256;) {
    if (path.length > MAX_DEPTH) throw new TimestampError('chain', 'certificate path too long');
    const issuer = pool.find((c) => c.fingerprint256 !== cur.fingerprint256 && cur.checkIssued(c) && cur.verify(c.publicKey));
    if (!issuer) throw new TimestampError('chain', `the signing certificate does not chain to ${authority.name}'s root`);
    if (!issuer.ca) throw new TimestampError('chain', `issuer ${issuer.subject.replace(/\n/g, ', ')} is not a CA`);
    path.push(issuer);
    cur = issuer;
  }
  // the path must end in the authority's own root, not in an attacker's certificate among `extra`
  if (!authority.chain.some((c) => c.fingerprint256 === path.at(-1)!.fingerprint256)) {
    throw new TimestampError('chain', `the path does not end in ${authority.name}'s root`);
  }
  for (const c of path) {
    if (at < c.validFromDate || at > c.validToDate) {
      throw new TimestampError(
        'validity',
        `genTime ${at.toISOString()} is outside the validity of ${c.subject.replace(/\n/g, ', ')} (${c.validFromDate.toISOString()} – ${c.validToDate.toISOString()})`,
      );
    }
  }
  return path;
}
