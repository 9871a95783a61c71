/**
 * The ASN.1 this module needs beyond what @peculiar/asn1-tsp / -cms / -x509 declare: object
 * identifiers and the ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3). The schema
 * classes are declared with @peculiar/asn1-schema's decorators, applied as functions so the
 * project's tsconfig needs no decorator support.
 */
import { Attribute } from '@peculiar/asn1-cms';
import {
  AsnArray,
  AsnConvert,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralNames } from '@peculiar/asn1-x509';

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  extKeyUsage: '2.5.29.37',
} as const;

/** Digest OIDs → node:crypto names; SHA-1 only where ESS v1 needs it. */
export const DIGESTS: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** Signature OIDs → the digest node:crypto signs with (ECDSA and RSA PKCS#1 v1.5). */
export const SIGNATURE_DIGESTS: Record<string, string> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
};

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber } */
export class IssuerSerial {
  issuer = new GeneralNames();
  serialNumber = new ArrayBuffer(0);
}
AsnProp({ type: GeneralNames })(IssuerSerial.prototype, 'issuer');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(IssuerSerial.prototype, 'serialNumber');

/** ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL } */
export class EssCertIdV2 {
  hashAlgorithm?: AlgorithmIdentifier;
  certHash = new OctetString();
  issuerSerial?: IssuerSerial;
}
AsnProp({ type: AlgorithmIdentifier, optional: true })(EssCertIdV2.prototype, 'hashAlgorithm');
AsnProp({ type: OctetString })(EssCertIdV2.prototype, 'certHash');
AsnProp({ type: IssuerSerial, optional: true })(EssCertIdV2.prototype, 'issuerSerial');

/** ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial OPTIONAL } */
export class EssCertId {
  certHash = new OctetString();
  issuerSerial?: IssuerSerial;
}
AsnProp({ type: OctetString })(EssCertId.prototype, 'certHash');
AsnProp({ type: IssuerSerial, optional: true })(EssCertId.prototype, 'issuerSerial');

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL } (policies are not read) */
export class SigningCertificateV2 {
  certs: EssCertIdV2[] = [];
}
AsnProp({ type: EssCertIdV2, repeated: 'sequence' })(SigningCertificateV2.prototype, 'certs');

/** SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL } */
export class SigningCertificate {
  certs: EssCertId[] = [];
}
AsnProp({ type: EssCertId, repeated: 'sequence' })(SigningCertificate.prototype, 'certs');

/** SignedAttributes as the SET OF Attribute that is signed (RFC 5652 §5.4: the [0] IMPLICIT tag becomes SET). */
export class AttributeSet extends AsnArray<Attribute> {}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(AttributeSet);

export const der = (value: object): Buffer => Buffer.from(AsnConvert.serialize(value));
export const bytes = (b: ArrayBuffer | ArrayBufferView): Buffer =>
  ArrayBuffer.isView(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b);

/** A bare OBJECT IDENTIFIER value (the contentType attribute's), as a one-alternative CHOICE. */
export class ObjectIdentifierValue {
  value = '';
}
AsnType({ type: AsnTypeTypes.Choice })(ObjectIdentifierValue);
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(ObjectIdentifierValue.prototype, 'value');

/** A bare INTEGER value, as a one-alternative CHOICE. */
export class IntegerValue {
  value = 0;
}
AsnType({ type: AsnTypeTypes.Choice })(IntegerValue);
AsnProp({ type: AsnPropTypes.Integer })(IntegerValue.prototype, 'value');

export const oidDer = (oid: string): Buffer => der(Object.assign(new ObjectIdentifierValue(), { value: oid }));
export const integerDer = (value: number): Buffer => der(Object.assign(new IntegerValue(), { value }));

/** A bare INTEGER of any size, from its two's-complement bytes. */
export class BigIntegerValue {
  value = new ArrayBuffer(0);
}
AsnType({ type: AsnTypeTypes.Choice })(BigIntegerValue);
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(BigIntegerValue.prototype, 'value');

/** A bare GeneralizedTime. */
export class GeneralizedTimeValue {
  value = new Date(0);
}
AsnType({ type: AsnTypeTypes.Choice })(GeneralizedTimeValue);
AsnProp({ type: AsnPropTypes.GeneralizedTime })(GeneralizedTimeValue.prototype, 'value');
