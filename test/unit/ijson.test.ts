// The strict I-JSON parser against JSON.parse: the same value for every I-JSON document, a typed
// refusal (with the JSON pointer) for everything else, and never another kind of exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNotaryError } from '../../src/core/errors.js';
import { jsonPointer, parseIJson, parseStrict } from '../../src/core/ijson.js';
import { iJsonFault } from '../support/ijson-oracle.js';

const parse = (text: string | Buffer, maxDepth = 64) =>
  parseIJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { maxDepth });
const refusal = (text: string | Buffer, maxDepth?: number) => {
  try {
    parse(text, maxDepth);
  } catch (err) {
    if (!isNotaryError(err)) throw err;
    return { code: err.code, field: err.field };
  }
  throw new Error('accepted');
};

describe('parseIJson', () => {
  it('reads every generated JSON document as JSON.parse does, or refuses it for a real I-JSON fault', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium', stringUnit: 'binary' }), (text) => {
        const expected = JSON.parse(text) as unknown;
        if (iJsonFault(expected)) {
          expect(['validation_failed', 'invalid_request']).toContain(refusal(text).code);
        } else {
          expect(parse(text)).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but a typed refusal on arbitrary bytes, and refuses what JSON.parse refuses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let nativeOk = true;
        try {
          JSON.parse(Buffer.from(bytes).toString('utf8'));
        } catch {
          nativeOk = false;
        }
        try {
          parse(Buffer.from(bytes));
        } catch (err) {
          expect(isNotaryError(err)).toBe(true);
          return;
        }
        expect(nativeOk).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['duplicate top-level name', '{"event_type":"approved","x":1,"event_type":"rejected"}', 'invalid_request', '/event_type'],
    ['duplicate nested name', '{"evidence_package":{"actor":{"id":"a","id":"b"}}}', 'invalid_request', '/evidence_package/actor/id'],
    ['duplicate with equal values', '{"a":[{"b":1,"b":1}]}', 'invalid_request', '/a/0/b'],
    ['an integer beyond 2^53-1', '{"n":9007199254740993}', 'validation_failed', '/n'],
    ['an integer in exponent form', '{"n":[1.23e29]}', 'validation_failed', '/n/0'],
    ['a negative unsafe integer', '{"n":-9007199254740992}', 'validation_failed', '/n'],
    ['a number beyond a double', '{"n":1e400}', 'validation_failed', '/n'],
    ['a lone high surrogate', '{"s":"\\ud800"}', 'validation_failed', '/s'],
    ['a lone low surrogate after text', '{"s":"ok \\udc00"}', 'validation_failed', '/s'],
    ['a high surrogate followed by a non-surrogate escape', '{"s":"\\ud800\\u0041"}', 'validation_failed', '/s'],
    ['a lone surrogate in a member name', '{"m":{"\\ud800":1}}', 'validation_failed', '/m'],
    ['__proto__', '{"m":{"__proto__":{"x":1}}}', 'invalid_request', '/m/__proto__'],
    ['nesting beyond the bound', `{"a":${'['.repeat(70)}${']'.repeat(70)}}`, 'payload_too_large', `/a${'/0'.repeat(63)}`],
  ])('refuses %s, naming the pointer', (_name, text, code, field) => {
    expect(refusal(text)).toEqual({ code, field });
  });

  it.each([
    ['invalid UTF-8 (C3 28)', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
    ['CESU-8 surrogate (ED A0 80)', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])],
    ['overlong encoding (C0 AF)', Buffer.from([0x22, 0xc0, 0xaf, 0x22])],
    ['a byte order mark', Buffer.from('\ufeff{}', 'utf8')],
    ['a trailing comma', Buffer.from('{"a":1,}')],
    ['an unescaped control character', Buffer.from('["a\u0001"]')],
    ['two documents', Buffer.from('{} {}')],
  ])('refuses %s as malformed (400)', (_name, bytes) => {
    expect(refusal(bytes).code).toBe('invalid_request');
  });

  it('keeps what I-JSON allows: pairs, escapes, the safe integer bounds, NUL escapes', () => {
    expect(parse('{"s":"\\ud83d\\ude00 \\u0000 \\/","max":9007199254740991,"min":-9007199254740991,"f":0.1,"z":-0,"e":1e-400}')).toEqual({
      s: '😀 \u0000 /',
      max: Number.MAX_SAFE_INTEGER,
      min: -Number.MAX_SAFE_INTEGER,
      f: 0.1,
      z: -0,
      e: 0,
    });
  });

  it('can leave value faults to the caller (a batch judges each item), never text faults', () => {
    const deferred = parseIJson(Buffer.from('{"s":"\\ud800","n":9007199254740993,"i":1e400}'), { maxDepth: 8, deferValueFaults: true });
    expect(deferred).toEqual({ s: '\ud800', n: 9007199254740992, i: Infinity });
    expect(() => parseIJson(Buffer.from('{"a":1,"a":2}'), { maxDepth: 8, deferValueFaults: true })).toThrow(
      expect.objectContaining({ code: 'invalid_request', field: '/a' }),
    );
    expect(() => parseIJson(Buffer.from([0x22, 0xc3, 0x28, 0x22]), { maxDepth: 8, deferValueFaults: true })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('writes RFC 6901 pointers', () => {
    expect(jsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });
});

describe('parseIJson’s fast path (JSON.parse and a walk)', () => {
  // texts near every fault the strict parser judges: duplicates (also behind escaped quotes and
  // colons inside strings), __proto__, lone surrogates, unsafe and non-finite numbers, depth
  const name = fc.constantFrom('a', 'b', '__proto__', 'x:y', 'q\\"', '\\ud800', '\\u0061', '\\\\');
  const scalar = fc.oneof(
    fc.constantFrom('1', '-0', '9007199254740991', '9007199254740992', '-9007199254740993', '1e400', '1.5e300', 'true', 'null'),
    fc.constantFrom('"s"', '"\\ud83d\\ude00"', '"\\udc00"', '"a\\"b:c"', '"\\\\"', '":"'),
  );
  const text = fc.letrec<{ v: string; arr: string; obj: string }>((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
    arr: fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    obj: fc.array(fc.tuple(name, tie('v')), { maxLength: 4 }).map((ms) => `{${ms.map(([k, v]) => `"${k}" : ${v}`).join(',')}}`),
  })).v;
  const outcome = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (err) {
      return { code: (err as { code?: string }).code, message: (err as Error).message };
    }
  };

  it('reads and refuses exactly as the strict parser alone, with and without deferred value faults', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 6 }), fc.boolean(), (t, maxDepth, deferValueFaults) => {
        const options = { maxDepth, deferValueFaults };
        expect(outcome(() => parseIJson(Buffer.from(t), options))).toEqual(outcome(() => parseStrict(t, options)));
      }),
      { numRuns: 5000 },
    );
  });
});
