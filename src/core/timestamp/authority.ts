/**
 * A trusted timestamp authority as a verifier keeps it: its certificate chain, TSA signing
 * certificate first and root last (the order of Sigstore's trusted root and of a Sigstore TSA's
 * /certchain), and the period it is trusted for.
 */
import { X509Certificate } from 'node:crypto';
import { Certificate, Extension } from '@peculiar/asn1-x509';
import { AsnParser } from '@peculiar/asn1-schema';
import { bytes, der, OID } from './asn1.js';

export interface TrustedTimestampAuthority {
  /** for messages: the TSA's URL, or `embedded` */
  name: string;
  chain: X509Certificate[];
  validFor: { start: Date; end?: Date };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in file order; throws on none or a broken block. */
export function certificatesFromPem(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate found');
  return blocks.map((b) => new X509Certificate(b));
}

export const toPem = (c: X509Certificate): string => c.toString();

/** Parsed once per certificate object: schema parsing costs milliseconds. */
const parsedCache = new WeakMap<X509Certificate, Certificate>();
function parsed(cert: X509Certificate): Certificate {
  let p = parsedCache.get(cert);
  if (!p) parsedCache.set(cert, (p = AsnParser.parse(cert.raw, Certificate)));
  return p;
}

/** Whether `cert` is the one a CMS SignerIdentifier names (issuer and serial, or subject key identifier). */
export function matchesSignerId(
  cert: X509Certificate,
  sid: { issuerAndSerialNumber?: { issuer: object; serialNumber: ArrayBuffer }; subjectKeyIdentifier?: { buffer: ArrayBuffer } },
): boolean {
  const parsed_ = parsed(cert);
  if (sid.issuerAndSerialNumber) {
    const { issuer, serialNumber } = sid.issuerAndSerialNumber;
    return bytes(serialNumber).equals(bytes(parsed_.tbsCertificate.serialNumber)) && der(issuer).equals(der(parsed_.tbsCertificate.issuer));
  }
  if (sid.subjectKeyIdentifier) {
    const ski = extension(parsed_, '2.5.29.14');
    // the extension's value is an OCTET STRING wrapping the key identifier OCTET STRING
    return !!ski && bytes(ski.extnValue.buffer).subarray(2).equals(bytes(sid.subjectKeyIdentifier.buffer));
  }
  return false;
}

/** RFC 3161 §2.3: exactly one extended key usage, id-kp-timeStamping, and the extension critical. */
export function isTimestampingCertificate(cert: X509Certificate): boolean {
  const eku = extension(parsed(cert), OID.extKeyUsage);
  const usages = cert.keyUsage ?? [];
  return !!eku && eku.critical && usages.length === 1 && usages[0] === OID.timeStamping;
}

function extension(cert: Certificate, oid: string): Extension | undefined {
  return cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
}
