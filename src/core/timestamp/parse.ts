/**
 * Reads an RFC 3161 TimeStampResp (the DER a TSA answers, which Sigstore bundles keep as
 * `signedTimestamp`) into the parts verification needs. Parsing is @peculiar/asn1-tsp / -cms;
 * every shape error is a TimestampError('malformed').
 */
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnParser } from '@peculiar/asn1-schema';
import { TimeStampResp, TSTInfo } from '@peculiar/asn1-tsp';
import { X509Certificate } from 'node:crypto';
import { bytes, der, OID } from './asn1.js';
import { TimestampError } from './errors.js';

export interface ParsedTimestamp {
  /** PKIStatus: 0 granted (the only one accepted; 1 grantedWithMods, 2 rejection, 3 waiting, 4–5 revocation) */
  status: number;
  statusText?: string;
  signedData: SignedData;
  signerInfo: SignerInfo;
  tstInfo: TSTInfo;
  /** the eContent octets exactly as signed (the messageDigest attribute covers them) */
  tstInfoDer: Buffer;
  genTime: Date;
  nonce?: bigint;
  serialHex: string;
  policy: string;
  /** certificates the TSA put in the token (when asked with certReq) */
  certificates: X509Certificate[];
}

export function parseTimestampResponse(response: Uint8Array): ParsedTimestamp {
  let resp: TimeStampResp;
  try {
    resp = AsnParser.parse(response, TimeStampResp);
  } catch (err) {
    throw new TimestampError('malformed', 'not a DER TimeStampResp', { cause: err });
  }
  // parse, re-encode, compare: the schema parser is lenient (BER lengths, tag classes), DER is not
  distinguishedOnly('TimeStampResp', response, resp);
  const status = resp.status.status as number;
  const statusText = resp.status.statusString?.join(' ');
  // only 'granted': we never ask for anything a TSA would modify (grantedWithMods), and the
  // status is outside the signature, so it must hold exactly the value we expect
  if (status !== 0) {
    throw new TimestampError('status', `the TSA did not grant the request: PKIStatus ${status}${statusText ? ` (${statusText})` : ''}`);
  }
  if (!resp.timeStampToken) throw new TimestampError('malformed', 'granted response without a timeStampToken');
  return { status, statusText, ...parseToken(resp.timeStampToken) };
}

function parseToken(token: ContentInfo): Omit<ParsedTimestamp, 'status' | 'statusText'> {
  if (token.contentType !== OID.signedData)
    throw new TimestampError('malformed', `token content type ${token.contentType} is not signedData`);
  const signedData = guard('SignedData', () => AsnParser.parse(token.content, SignedData));
  distinguishedOnly('SignedData', new Uint8Array(token.content), signedData);
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== OID.tstInfo)
    throw new TimestampError('malformed', `encapsulated content ${encap.eContentType} is not TSTInfo`);
  const octets = encap.eContent?.single;
  if (!octets) throw new TimestampError('malformed', 'token has no encapsulated TSTInfo');
  const tstInfoDer = bytes(octets.buffer);
  const tstInfo = guard('TSTInfo', () => AsnParser.parse(tstInfoDer, TSTInfo));
  distinguishedOnly('TSTInfo', tstInfoDer, tstInfo);
  if (tstInfo.version !== 1) throw new TimestampError('malformed', `TSTInfo version ${tstInfo.version} is not 1`);
  if (signedData.signerInfos.length !== 1) {
    throw new TimestampError('malformed', `a timestamp token has exactly one signer, this one ${signedData.signerInfos.length}`);
  }
  const certificates = (signedData.certificates ?? []).flatMap((c) =>
    c.certificate ? [guard('certificate', () => new X509Certificate(der(c.certificate!)))] : [],
  );
  return {
    signedData,
    signerInfo: signedData.signerInfos[0]!,
    tstInfo,
    tstInfoDer,
    genTime: tstInfo.genTime,
    nonce: tstInfo.nonce ? BigInt(`0x${bytes(tstInfo.nonce).toString('hex') || '0'}`) : undefined,
    serialHex: bytes(tstInfo.serialNumber).toString('hex'),
    policy: tstInfo.policy,
    certificates,
  };
}

function distinguishedOnly(what: string, input: Uint8Array, parsed: object): void {
  const reencoded = guard(what, () => der(parsed));
  if (!reencoded.equals(input)) throw new TimestampError('malformed', `the ${what} is not DER (it does not re-encode to the same bytes)`);
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new TimestampError('malformed', `cannot parse the token's ${what}`, { cause: err });
  }
}
