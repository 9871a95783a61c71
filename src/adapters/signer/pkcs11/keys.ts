/** Pure mappers between token objects and the signer port: curves, versions, public keys, signatures. */
import { createPublicKey } from 'node:crypto';

export interface Curve {
  name: 'P-256' | 'P-384';
  /** DER of the named curve's OID: the value of CKA_EC_PARAMS */
  params: string;
  hash: 'sha256' | 'sha384';
  /** bytes of r and of s in CKM_ECDSA's raw r||s signature */
  size: number;
  algorithm: 'ecdsa-p256' | 'ecdsa-p384';
}

export const CURVES: readonly Curve[] = [
  { name: 'P-256', params: '06082a8648ce3d030107', hash: 'sha256', size: 32, algorithm: 'ecdsa-p256' },
  { name: 'P-384', params: '06052b81040022', hash: 'sha384', size: 48, algorithm: 'ecdsa-p384' },
];

export function curveOf(ecParams: Buffer): Curve | undefined {
  return CURVES.find((c) => c.params === ecParams.toString('hex'));
}

/** `notary-signing-v3` → 3 for the prefix `notary-signing`; anything else is not one of our keys. */
export function versionOf(label: string, prefix: string): number | undefined {
  if (!label.startsWith(`${prefix}-v`)) return undefined;
  const rest = label.slice(prefix.length + 2);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : undefined;
}

export const versionLabel = (prefix: string, version: number): string => `${prefix}-v${version}`;

/**
 * CKA_ID holds the version's creation time as ASCII RFC 3339 (UTC): receipts are checked against
 * each version's window, and CKA_START_DATE has no time of day.
 */
export function createdAtOf(id: Buffer): string | undefined {
  const text = id.toString('latin1');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export const idFor = (createdAt: Date): Buffer => Buffer.from(createdAt.toISOString(), 'latin1');

/** CKA_EC_POINT (a DER OCTET STRING around the uncompressed point; some modules drop the wrapper) → SPKI PEM. */
export function publicKeyPem(ecPoint: Buffer, curve: Curve): string {
  const point = unwrapOctetString(ecPoint, 1 + 2 * curve.size);
  if (point.length !== 1 + 2 * curve.size || point[0] !== 0x04) throw new Error(`CKA_EC_POINT is not an uncompressed ${curve.name} point`);
  const coord = (from: number) => point.subarray(from, from + curve.size).toString('base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: curve.name, x: coord(1), y: coord(1 + curve.size) }, format: 'jwk' });
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

function unwrapOctetString(der: Buffer, pointLength: number): Buffer {
  if (der.length === pointLength) return der;
  if (der[0] !== 0x04) return der;
  const long = der[1]! === 0x81;
  const len = long ? der[2]! : der[1]!;
  const start = long ? 3 : 2;
  return len === der.length - start ? der.subarray(start) : der;
}

/** CKM_ECDSA's raw r||s → the ASN.1 DER ECDSA-Sig-Value receipts carry (what Vault and the keyring return). */
export function rawToDer(raw: Buffer, curve: Curve): Buffer {
  if (raw.length !== 2 * curve.size)
    throw new Error(`CKM_ECDSA returned ${raw.length} bytes, expected ${2 * curve.size} for ${curve.name}`);
  const int = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return v[0]! & 0x80 ? Buffer.concat([Buffer.of(0x02, v.length + 1, 0), v]) : Buffer.concat([Buffer.of(0x02, v.length), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, curve.size)), int(raw.subarray(curve.size))]);
  // P-384's longest body is 2 × (2 + 49) = 102 bytes: still a one-byte length
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}
