import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';

/** The package's outcome: its text, or the message it refused with. */
const outcome = (f: () => string | undefined) => {
  try {
    return { text: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

// strings with lone surrogates and every escape, numbers beyond what JSON text carries, and the
// values no parser gives (undefined, functions, symbols, holes, toJSON) that callers may still pass
const anyString = fc.string({ unit: 'binary' });
const leaf = fc.oneof(
  anyString,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(Symbol('s')),
  fc.constant(() => 1),
  fc.date({ noInvalidDate: true }),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
  arr: fc.oneof(fc.array(tie('v')), fc.sparseArray(tie('v'))),
  obj: fc.dictionary(anyString, tie('v')),
})).v;

describe('canonicalJson (RFC 8785)', () => {
  it('gives the canonicalize package’s text, or refuses with its message, for any value', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalize(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the package’s text for JSON documents as parsed from the wire', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what RFC 8785 cannot encode, as the package does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [NaN, Infinity, '\ud800', { '\udc00': 1 }, cyclic, 10n])
      expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalize(v)));
    expect(outcome(() => canonicalJson(cyclic)).error).toBe('Circular reference detected');
  });

  it('orders members by UTF-16 code units and writes numbers as ECMAScript does (RFC 8785 §3.2.2, §3.2.3)', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\ufb33': 4, '1': 5, a: [1e21, 1e-7, -0, 0.1] })).toBe(
      '{"\\r":2,"1":5,"a":[1e+21,1e-7,0,0.1],"\u20ac":1,"\ud83d\ude00":3,"\ufb33":4}',
    );
  });
});
