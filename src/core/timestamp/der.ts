/**
 * The DER a timestamp token is written with, per token. @peculiar/asn1-schema's serializer
 * re-encodes every nested object on each call (~5 ms for one token) and builds an asn1js tree for
 * each value (~a quarter of the embedded TSA's CPU per notarization), too slow for a token per
 * notarization. So the embedded TSA encodes the constant fields with the library once per key, the
 * few per-token values (octet strings, serial, times) directly below — each yields the bytes the
 * library yields for the same value; a unit test holds them to it over random inputs and the
 * UTCTime / GeneralizedTime boundary years — and wraps them here in SEQUENCE / SET / context tags.
 */

function header(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const len: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) len.unshift(n & 0xff);
  return Buffer.from([tag, 0x80 | len.length, ...len]);
}

export function tlv(tag: number, ...elements: Buffer[]): Buffer {
  const content = Buffer.concat(elements);
  return Buffer.concat([header(tag, content.length), content]);
}

export const sequence = (...elements: Buffer[]): Buffer => tlv(0x30, ...elements);

/** SET OF in DER order: members sorted by their encodings (X.690 §11.6). */
export const setOf = (...elements: Buffer[]): Buffer => tlv(0x31, ...[...elements].sort(Buffer.compare));

/** [n] EXPLICIT around one element. */
export const explicit = (n: number, element: Buffer): Buffer => tlv(0xa0 | n, element);

/** [n] IMPLICIT on a constructed element: same content, context tag instead of the universal one. */
export function implicit(n: number, element: Buffer): Buffer {
  const retagged = Buffer.from(element);
  retagged[0] = 0xa0 | n;
  return retagged;
}

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
