/**
 * The few DER values a timestamp token encodes per token, written directly: @peculiar/asn1-schema
 * builds and walks an asn1js object tree for each (~a quarter of the embedded TSA's CPU per
 * notarization). Each yields the bytes the library yields for the same value; a unit test holds
 * them to it over random inputs and the UTCTime / GeneralizedTime boundary years.
 */
import { tlv } from './der-glue.js';

/** OCTET STRING */
export const octetString = (content: Buffer): Buffer => tlv(0x04, content);

/**
 * INTEGER from big-endian bytes that already are its minimal two's-complement form (a positive
 * value with no leading 0x00 and a clear top bit, as the token's serial numbers are).
 */
export function minimalPositiveInteger(content: Buffer): Buffer {
  if (content.length === 0 || content[0]! >= 0x80 || (content[0] === 0 && content.length > 1))
    throw new RangeError('not a minimal positive INTEGER encoding');
  return tlv(0x02, content);
}

const digits = (n: number, width: number) => String(n).padStart(width, '0');

/** YYMMDDHHMMSS or YYYYMMDDHHMMSS in UTC, whole seconds. */
function utcDigits(date: Date, yearDigits: 2 | 4): string {
  const year = yearDigits === 2 ? date.getUTCFullYear() % 100 : date.getUTCFullYear();
  return (
    digits(year, yearDigits) +
    digits(date.getUTCMonth() + 1, 2) +
    digits(date.getUTCDate(), 2) +
    digits(date.getUTCHours(), 2) +
    digits(date.getUTCMinutes(), 2) +
    digits(date.getUTCSeconds(), 2)
  );
}

function wholeSeconds(date: Date): void {
  if (date.getUTCMilliseconds() !== 0) throw new RangeError('a token time is in whole seconds');
}

/** GeneralizedTime, whole seconds, UTC (`YYYYMMDDHHMMSSZ`, X.690 §11.7). */
export function generalizedTime(date: Date): Buffer {
  wholeSeconds(date);
  return tlv(0x18, Buffer.from(`${utcDigits(date, 4)}Z`, 'latin1'));
}

/**
 * Time (RFC 5280 §4.1.2.5, CMS signingTime): UTCTime up to 2049, GeneralizedTime after, as
 * @peculiar/asn1-x509's Time chooses (it has no lower bound; a clock before 1950 is not ours to fix).
 */
export function time(date: Date): Buffer {
  wholeSeconds(date);
  return date.getUTCFullYear() <= 2049 ? tlv(0x17, Buffer.from(`${utcDigits(date, 2)}Z`, 'latin1')) : generalizedTime(date);
}
