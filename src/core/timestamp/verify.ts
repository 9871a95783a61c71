/**
 * Verifies an RFC 3161 timestamp over one signature against trusted authorities: the TSA granted
 * it, the message imprint is the hash of exactly this signature, the nonce is ours (when we asked),
 * the signed attributes bind the TSTInfo and the signing certificate (ESS v2, or v1 from older
 * TSAs), the TSA's signature verifies, and its certificate chains to an authority trusted at genTime.
 */
import { createHash, verify, type X509Certificate } from 'node:crypto';
import { AsnParser } from '@peculiar/asn1-schema';
import { MessageDigest, type SignerInfo } from '@peculiar/asn1-cms';
import {
  AttributeSet,
  bytes,
  der,
  DIGESTS,
  ObjectIdentifierValue,
  OID,
  SIGNATURE_DIGESTS,
  SigningCertificate,
  SigningCertificateV2,
} from './asn1.js';
import { matchesSignerId, type TrustedTimestampAuthority } from './authority.js';
import { checkChain } from './chain.js';
import { TimestampError } from './errors.js';
import { parseTimestampResponse, type ParsedTimestamp } from './parse.js';

export interface VerifiedTimestamp {
  genTime: Date;
  authority: string;
  serialHex: string;
  policy: string;
  signer: X509Certificate;
}

export interface VerifyTimestampOptions {
  /** the nonce of our request: checked when given (right after asking; stored tokens are checked without) */
  nonce?: bigint;
  /** certReq was set: the token must carry the TSA's certificate */
  requireCertificate?: boolean;
}

const KEY_ALGORITHMS = new Set(['1.2.840.10045.2.1', OID.rsaEncryption]);

/** Imprint digests a verifier accepts: SHA-1 is too weak to bind a signature. */
const IMPRINT_DIGESTS = new Set([OID.sha256, OID.sha384, OID.sha512]);

export function verifyTimestamp(
  response: Uint8Array,
  signature: Uint8Array,
  authorities: readonly TrustedTimestampAuthority[],
  options: VerifyTimestampOptions = {},
): VerifiedTimestamp {
  try {
    return verify_(response, signature, authorities, options);
  } catch (err) {
    // a forged token can make any parser or crypto call throw: that is a refusal, never a crash
    if (err instanceof TimestampError) throw err;
    throw new TimestampError('malformed', `the token could not be read: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

function verify_(
  response: Uint8Array,
  signature: Uint8Array,
  authorities: readonly TrustedTimestampAuthority[],
  options: VerifyTimestampOptions,
): VerifiedTimestamp {
  const t = parseTimestampResponse(response);
  const imprint = t.tstInfo.messageImprint;
  const algorithm = imprint.hashAlgorithm.algorithm;
  if (!IMPRINT_DIGESTS.has(algorithm as never)) throw new TimestampError('imprint', `message imprint uses ${algorithm}, not SHA-2`);
  if (!bytes(imprint.hashedMessage.buffer).equals(createHash(DIGESTS[algorithm]!).update(signature).digest())) {
    throw new TimestampError('imprint', 'the message imprint is not the hash of this signature');
  }
  if (options.nonce !== undefined && t.nonce !== options.nonce)
    throw new TimestampError('nonce', 'the response nonce is not the request nonce');
  checkStructure(t);
  const signer = findSigner(t, authorities);
  if (options.requireCertificate && !t.certificates.some((c) => c.fingerprint256 === signer.cert.fingerprint256)) {
    throw new TimestampError('signer', 'certReq was set but the token does not carry the TSA certificate');
  }
  checkSignedAttributes(t, signer.cert);
  checkSignature(t.signerInfo, signer.cert);
  const at = t.genTime;
  const { start, end } = signer.authority.validFor;
  if (at < start || (end && at > end)) {
    throw new TimestampError('validity', `genTime ${at.toISOString()} is outside the period ${signer.authority.name} is trusted for`);
  }
  checkChain(signer.cert, signer.authority, at, t.certificates);
  checkCarriedCertificates(t.certificates, signer.authority);
  return { genTime: at, authority: signer.authority.name, serialHex: t.serialHex, policy: t.policy, signer: signer.cert };
}

/** Fields outside the signature that RFC 5652 / RFC 3161 fix, so no byte of the token goes unchecked. */
function checkStructure(t: ParsedTimestamp): void {
  if (t.signedData.version !== 3)
    throw new TimestampError('malformed', `SignedData version ${t.signedData.version} is not 3 (RFC 5652 §5.1)`);
  const si = t.signerInfo;
  const sidVersion = si.sid.issuerAndSerialNumber ? 1 : 3;
  if (si.version !== sidVersion)
    throw new TimestampError('malformed', `SignerInfo version ${si.version} does not match its signer identifier`);
  if (!t.signedData.digestAlgorithms.some((a) => a.algorithm === si.digestAlgorithm.algorithm)) {
    throw new TimestampError('malformed', "the signer's digest algorithm is not among the SignedData digest algorithms");
  }
  if (si.unsignedAttrs?.length) throw new TimestampError('malformed', 'unsigned attributes on a timestamp token are not accepted');
}

/** Certificates a token carries are unsigned: each must be the authority's own or issued by it. */
function checkCarriedCertificates(carried: X509Certificate[], authority: TrustedTimestampAuthority): void {
  for (const c of carried) {
    const genuine = authority.chain.some((a) => a.fingerprint256 === c.fingerprint256 || (c.checkIssued(a) && c.verify(a.publicKey)));
    if (!genuine) throw new TimestampError('chain', `the token carries a certificate not issued within ${authority.name}'s chain`);
  }
}

/** The signer's certificate from a trusted authority, or from the token if it chains to one. */
function findSigner(t: ParsedTimestamp, authorities: readonly TrustedTimestampAuthority[]) {
  for (const authority of authorities) {
    const cert = [...authority.chain, ...t.certificates].find((c) => matchesSignerId(c, t.signerInfo.sid));
    if (cert) return { cert, authority };
  }
  throw new TimestampError('signer', 'no trusted timestamp authority has the certificate that signed this token');
}

function checkSignedAttributes(t: ParsedTimestamp, cert: X509Certificate): void {
  const attrs = t.signerInfo.signedAttrs ?? [];
  const value = (oid: string): Buffer | undefined => {
    const found = attrs.filter((a) => a.attrType === oid);
    if (found.length > 1 || (found[0] && found[0].attrValues.length !== 1))
      throw new TimestampError('attributes', `attribute ${oid} must occur once with one value`);
    return found[0] && bytes(found[0].attrValues[0]!);
  };
  const contentType = value(OID.contentType);
  if (!contentType || AsnParser.parse(contentType, ObjectIdentifierValue).value !== OID.tstInfo) {
    throw new TimestampError('attributes', 'the contentType attribute is not id-ct-TSTInfo');
  }
  const digestName = DIGESTS[t.signerInfo.digestAlgorithm.algorithm];
  const messageDigest = value(OID.messageDigest);
  if (
    !digestName ||
    !messageDigest ||
    !bytes(AsnParser.parse(messageDigest, MessageDigest).buffer).equals(createHash(digestName).update(t.tstInfoDer).digest())
  ) {
    throw new TimestampError('attributes', 'the messageDigest attribute is not the digest of the TSTInfo');
  }
  checkEss(value(OID.signingCertificateV2), value(OID.signingCertificate), cert);
}

function checkEss(v2: Buffer | undefined, v1: Buffer | undefined, cert: X509Certificate): void {
  if (v2) {
    const first = AsnParser.parse(v2, SigningCertificateV2).certs[0];
    const algorithm = first?.hashAlgorithm?.algorithm ?? OID.sha256;
    if (!first || !DIGESTS[algorithm] || !bytes(first.certHash.buffer).equals(createHash(DIGESTS[algorithm]!).update(cert.raw).digest())) {
      throw new TimestampError('attributes', 'ESS signing-certificate-v2 does not name the signing certificate');
    }
  } else if (v1) {
    const first = AsnParser.parse(v1, SigningCertificate).certs[0];
    if (!first || !bytes(first.certHash.buffer).equals(createHash('sha1').update(cert.raw).digest())) {
      throw new TimestampError('attributes', 'ESS signing-certificate does not name the signing certificate');
    }
  } else {
    throw new TimestampError('attributes', 'the token has no ESS signing-certificate attribute (RFC 3161 §2.4.2)');
  }
}

function checkSignature(si: SignerInfo, cert: X509Certificate): void {
  if (!si.signedAttrs?.length) throw new TimestampError('attributes', 'the signer has no signed attributes');
  // a signature OID, or a bare key OID some TSAs write (the digest is then the signer's digest algorithm)
  const algorithm = si.signatureAlgorithm.algorithm;
  const digest = SIGNATURE_DIGESTS[algorithm] ?? (KEY_ALGORITHMS.has(algorithm) ? DIGESTS[si.digestAlgorithm.algorithm] : undefined);
  if (!digest) throw new TimestampError('signature', `unsupported signature algorithm ${algorithm}`);
  const signedBytes = der(new AttributeSet(si.signedAttrs));
  let ok = false;
  try {
    ok = verify(digest, signedBytes, cert.publicKey, bytes(si.signature.buffer));
  } catch {
    ok = false;
  }
  if (!ok) throw new TimestampError('signature', 'the TSA signature over the signed attributes does not verify');
}
