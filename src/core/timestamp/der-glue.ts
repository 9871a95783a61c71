/**
 * Concatenation of DER values that @peculiar/asn1-schema has already encoded. Its serializer
 * re-encodes every nested object on each call (~5 ms for one timestamp token), too slow for a
 * token per notarization; so the embedded TSA encodes each field with the library (constant ones
 * once per key) and only wraps them here in SEQUENCE / SET / context tags. Nothing below encodes
 * a value: every input is already a complete DER element.
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
