/**
 * Issues RFC 3161 timestamp responses shaped like those of Sigstore's timestamp-authority
 * (digitorus/timestamp): TSTInfo with second precision and 1 s accuracy, a CMS SignedData signed
 * over contentType, signingTime, messageDigest and ESS signing-certificate-v2, the TSA certificate
 * included when asked. The constant fields are encoded by @peculiar/asn1-* once per key, the
 * per-token octet strings, serial and times directly (core/timestamp/der.ts), and the TSTInfo and CMS
 * sequences around them are concatenated (same file), which keeps a token to well under 0.1 ms
 * where the library's serializer takes ~5 ms. Tests parse every token back with the
 * library's TSTInfo / SignedData schemas (which must re-encode to the same bytes) and
 * `openssl ts -verify` checks them.
 */
import { createHash, randomBytes, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import { Attribute, IssuerAndSerialNumber, SignerIdentifier } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, PKIStatus, PKIStatusInfo } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import {
  BigIntegerValue,
  der,
  EssCertIdV2,
  integerDer,
  IssuerSerial,
  OID,
  oidDer,
  SigningCertificateV2,
} from '../../../core/timestamp/asn1.js';
import {
  explicit,
  generalizedTime,
  implicit,
  minimalPositiveInteger,
  octetString,
  sequence,
  setOf,
  time,
} from '../../../core/timestamp/der.js';

export interface TsaSigningKey {
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** the TSA policy OID every token names (NOTARY_TSA_POLICY_OID) */
  policy: string;
}

export interface TimestampQuery {
  /** SHA-256 of the timestamped data (our signatures) */
  sha256: Buffer;
  nonce?: ArrayBuffer;
  certReq: boolean;
}

/** What stays the same for every token of one key, encoded once. */
interface Template {
  key: KeyObject;
  policy: Buffer;
  sid: Buffer;
  certificates: Buffer; // [0] IMPLICIT CertificateSet
  constantAttributes: Buffer[]; // contentType, ESS signing-certificate-v2
  sha256: Buffer; // AlgorithmIdentifier
  ecdsaWithSha256: Buffer;
}

/** per certificate and policy */
const templates = new WeakMap<X509Certificate, Map<string, Template>>();
const V1 = integerDer(1);
const V3 = integerDer(3); // SignedData whose eContentType is not id-data (RFC 5652 §5.1)
const GRANTED = der(new PKIStatusInfo({ status: PKIStatus.granted }));
const ACCURACY_1S = der(new Accuracy({ seconds: 1 }));
const OIDS = {
  tstInfo: oidDer(OID.tstInfo),
  signedData: oidDer(OID.signedData),
  signingTime: oidDer(OID.signingTime),
  messageDigest: oidDer(OID.messageDigest),
};

export function issueTimestampResponse(key: TsaSigningKey, query: TimestampQuery, now: Date): Buffer {
  const t = template(key);
  const genTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
  // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy, [ordering DEFAULT FALSE omitted], nonce }
  const tstInfo = sequence(
    V1,
    t.policy,
    sequence(t.sha256, octetString(query.sha256)),
    minimalPositiveInteger(serial()),
    generalizedTime(genTime),
    ACCURACY_1S,
    ...(query.nonce ? [der(Object.assign(new BigIntegerValue(), { value: query.nonce }))] : []),
  );
  const attributes = setOf(
    ...t.constantAttributes,
    attribute(OIDS.signingTime, time(genTime)),
    attribute(OIDS.messageDigest, octetString(createHash('sha256').update(tstInfo).digest())),
  );
  const signature = sign('sha256', attributes, t.key);
  const signerInfo = sequence(V1, t.sid, t.sha256, implicit(0, attributes), t.ecdsaWithSha256, octetString(signature));
  const signedData = sequence(
    V3,
    setOf(t.sha256),
    sequence(OIDS.tstInfo, explicit(0, octetString(tstInfo))),
    ...(query.certReq ? [t.certificates] : []),
    setOf(signerInfo),
  );
  return sequence(GRANTED, sequence(OIDS.signedData, explicit(0, signedData)));
}

function template(key: TsaSigningKey): Template {
  let byPolicy = templates.get(key.certificate);
  if (!byPolicy) templates.set(key.certificate, (byPolicy = new Map()));
  let t = byPolicy.get(key.policy);
  if (t) return t;
  const cert = AsnConvert.parse(key.certificate.raw, Certificate);
  const { issuer, serialNumber } = cert.tbsCertificate;
  const ess = Object.assign(new EssCertIdV2(), {
    certHash: new OctetString(createHash('sha256').update(key.certificate.raw).digest()),
    issuerSerial: Object.assign(new IssuerSerial(), {
      issuer: new GeneralNames([new GeneralName({ directoryName: issuer })]),
      serialNumber,
    }),
  });
  t = {
    key: key.privateKey,
    policy: oidDer(key.policy),
    sid: der(new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer, serialNumber }) })),
    certificates: implicit(0, setOf(key.certificate.raw)),
    constantAttributes: [
      der(new Attribute({ attrType: OID.contentType, attrValues: [arrayBuffer(oidDer(OID.tstInfo))] })),
      der(
        new Attribute({
          attrType: OID.signingCertificateV2,
          attrValues: [arrayBuffer(der(Object.assign(new SigningCertificateV2(), { certs: [ess] })))],
        }),
      ),
    ],
    sha256: der(new AlgorithmIdentifier({ algorithm: OID.sha256 })),
    ecdsaWithSha256: der(new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 })),
  };
  byPolicy.set(key.policy, t);
  return t;
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } around an encoded value. */
const attribute = (oid: Buffer, value: Buffer): Buffer => sequence(oid, setOf(value));

const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Serial numbers unique per token (RFC 3161 §2.4.2): 128 random bits, positive, minimal (no leading zero byte). */
function serial(): Buffer {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b;
}
