/**
 * X.509 certificates of the embedded TSA: a self-signed root and the TSA signing certificate it
 * issues (RFC 3161 §2.3: extended key usage timeStamping only, critical). Built with
 * @peculiar/asn1-x509 and signed with node:crypto (ECDSA P-256, SHA-256).
 */
import { createHash, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
} from '@peculiar/asn1-x509';
import { der, OID } from '../../../core/timestamp/asn1.js';

export interface CertificateRequest {
  commonName: string;
  organization: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  kind: 'root' | 'tsa';
  /** absent: self-signed with `signingKey` */
  issuer?: X509Certificate;
  signingKey: KeyObject;
}

export function makeCertificate(req: CertificateRequest): X509Certificate {
  const spki = AsnConvert.parse(req.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const subject = name(req.organization, req.commonName);
  const issuerCert = req.issuer && AsnConvert.parse(req.issuer.raw, Certificate);
  const ski = keyIdentifier(spki);
  const tbs = new TBSCertificate({
    version: 2, // v3
    serialNumber: positive(randomBytes(16)),
    signature: new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    issuer: issuerCert?.tbsCertificate.subject ?? subject,
    validity: new Validity({ notBefore: req.notBefore, notAfter: req.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions(req.kind, ski, issuerCert ? issuerKeyIdentifier(issuerCert) : ski)),
  });
  const signature = sign('sha256', der(tbs), req.signingKey);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer,
  });
  return new X509Certificate(der(cert));
}

function extensions(kind: CertificateRequest['kind'], ski: Buffer, aki: Buffer): Extension[] {
  const ext = (extnID: string, critical: boolean, value: object) =>
    new Extension({ extnID, critical, extnValue: new OctetString(der(value)) });
  const common = [
    ext('2.5.29.14', false, new SubjectKeyIdentifier(ski)),
    ext('2.5.29.35', false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(aki) })),
  ];
  if (kind === 'root') {
    return [
      ext('2.5.29.19', true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      ext('2.5.29.15', true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      ...common,
    ];
  }
  return [
    ext('2.5.29.15', true, new KeyUsage(KeyUsageFlags.digitalSignature)),
    ext(OID.extKeyUsage, true, new ExtendedKeyUsage([OID.timeStamping])),
    ...common,
  ];
}

function name(organization: string, commonName: string): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([rdn('2.5.4.10', organization), rdn('2.5.4.3', commonName)]);
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha256').update(Buffer.from(spki.subjectPublicKey)).digest().subarray(0, 20);
}

function issuerKeyIdentifier(issuer: Certificate): Buffer {
  return keyIdentifier(issuer.tbsCertificate.subjectPublicKeyInfo);
}

/** A DER INTEGER must be positive here (RFC 5280 §4.1.2.2): clear the top bit. */
function positive(b: Buffer): ArrayBuffer {
  b[0]! &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export const publicKeyOf = (privateKey: KeyObject): KeyObject => createPublicKey(privateKey);
