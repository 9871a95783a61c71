import { SigningTime } from '@peculiar/asn1-cms';
import { OctetString } from '@peculiar/asn1-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BigIntegerValue, der, GeneralizedTimeValue } from '../../src/core/timestamp/asn1.js';
import { generalizedTime, minimalPositiveInteger, octetString, time } from '../../src/core/timestamp/der.js';

const ab = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
/** whole seconds from year 1 to 9999 (GeneralizedTime's four digits), boundary years included */
const seconds = fc
  .oneof(
    fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom(
      ...['1949-12-31T23:59:59Z', '1950-01-01T00:00:00Z', '2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z'].map((d) => new Date(d)),
    ),
  )
  .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

describe('DER values the embedded TSA writes per token: byte for byte what @peculiar/asn1-schema writes', () => {
  it('OCTET STRING, short and long lengths', () => {
    // short form and one- and two-byte long-form lengths (a three-byte one below: the library is slow at that size)
    const sizes = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(127, 128, 255, 256, 4096));
    fc.assert(
      fc.property(sizes, fc.integer(), (size, seed) => {
        const content = Buffer.alloc(size, seed & 0xff);
        expect(octetString(content)).toEqual(der(new OctetString(content)));
      }),
      { numRuns: 30 },
    );
    const large = Buffer.alloc(65536, 7);
    expect(octetString(large)).toEqual(der(new OctetString(large)));
  });

  it('INTEGER from minimal positive bytes (the serial numbers), and refuses any other form', () => {
    const minimal = fc.uint8Array({ minLength: 1, maxLength: 40 }).filter((b) => b[0]! < 0x80 && (b[0] !== 0 || b.length === 1));
    fc.assert(
      fc.property(minimal, (bytes) => {
        const content = Buffer.from(bytes);
        expect(minimalPositiveInteger(content)).toEqual(der(Object.assign(new BigIntegerValue(), { value: ab(content) })));
      }),
    );
    for (const bad of [Buffer.alloc(0), Buffer.from([0x80]), Buffer.from([0, 1])])
      expect(() => minimalPositiveInteger(bad)).toThrow(RangeError);
  });

  it('GeneralizedTime (genTime) and Time (signingTime: UTCTime up to 2049)', () => {
    fc.assert(
      fc.property(seconds, (date) => {
        expect(generalizedTime(date)).toEqual(der(Object.assign(new GeneralizedTimeValue(), { value: date })));
        // before 1950 the library writes a UTCTime that is not one: a clock that far back is not served
        if (date.getUTCFullYear() >= 1950) expect(time(date)).toEqual(der(new SigningTime(date)));
      }),
      { numRuns: 500 },
    );
    expect(() => time(new Date('2026-01-01T00:00:00.5Z'))).toThrow(RangeError);
  });
});
