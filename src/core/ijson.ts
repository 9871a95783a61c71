import { isUtf8 } from 'node:buffer';
import { NotaryError } from './errors.js';

/**
 * Strict I-JSON (RFC 7493) parsing of raw bytes, for every door that receives JSON text (REST
 * bodies, Pulsar messages). JSON.parse would silently pick the last of two duplicate names, round
 * 9007199254740993 to …992, and keep a lone surrogate that RFC 8785 cannot encode; a door that
 * decodes bytes as UTF-8 first would also turn invalid bytes into U+FFFD. Each of those signs
 * something other than what was sent, so each is refused here, naming the JSON pointer.
 *
 * Written here rather than taken from a library: none of the maintained parsers (lossless-json,
 * @humanwhocodes/momoa, json-dup-key-validator, secure-json-parse) refuses all of duplicates, unsafe
 * integers and lone surrogates with a pointer, and each of those checks needs the parser's own view
 * of the text. The result is tested against JSON.parse on generated documents (test/unit/ijson.test.ts).
 *
 * Status of each refusal: text that is not one well-formed I-JSON document (bad UTF-8, syntax,
 * duplicate names, `__proto__`) is `invalid_request` (400); a value that I-JSON cannot carry as sent
 * (lone surrogate, integer beyond ±(2^53−1), number beyond a double) is `validation_failed` (422).
 */
export interface IJsonOptions {
  /** containers nested deeper than this are refused before parsing recurses further */
  maxDepth: number;
  /**
   * Keep lone surrogates and out-of-range numbers (as the string with the lone code unit, the rounded
   * or infinite double) instead of refusing the whole document: for a document whose parts are judged
   * one by one (a batch of packages), where the core's value checks (integrity.ts) then refuse only
   * the part that holds one. Faults of the text itself (UTF-8, syntax, duplicate names) still refuse all.
   */
  deferValueFaults?: boolean;
}

/** Beyond this magnitude every double is an integer, and most integers have no exact double. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseIJson(bytes: Uint8Array, options: IJsonOptions): unknown {
  if (!isUtf8(bytes))
    throw new NotaryError(
      'invalid_request',
      'body: not valid UTF-8 (invalid, overlong or surrogate byte sequences are refused, never replaced)',
    );
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const plain = parsePlain(text, options.maxDepth);
  if (plain !== NOT_PLAIN) return plain;
  return parseStrict(text, options);
}

/** The strict parser alone: the reference the fast path is held to, and what judges every document it passes on. */
export function parseStrict(text: string, options: IJsonOptions): unknown {
  return new Parser(text, options.maxDepth, options.deferValueFaults ?? false).document();
}

const NOT_PLAIN = Symbol('not plain I-JSON');

/**
 * The common case fast: JSON.parse (native, ~2× quicker than the strict parser on the fixtures,
 * bench/parse-cost.ts), then a walk that accepts the value only if the strict parser would have read
 * the same one: no lone surrogate, every number within ±(2^53−1), no `__proto__`, shallower than
 * `maxDepth`, and as many members as the text has names (JSON.parse keeps the last of two duplicates,
 * so a duplicate shows as one member fewer). Anything else — a syntax error included — goes to the
 * strict parser, which refuses it with its pointer or, for value faults a caller defers, reads it.
 */
function parsePlain(text: string, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_PLAIN;
  }
  const seen = { members: 0 };
  return isPlain(value, 0, maxDepth, seen) && seen.members === memberNames(text) ? value : NOT_PLAIN;
}

type WellFormedString = string & { isWellFormed(): boolean }; // ES2024, Node ≥ 20; the project's lib predates it

function isPlain(v: unknown, depth: number, maxDepth: number, seen: { members: number }): boolean {
  if (typeof v === 'string') return (v as WellFormedString).isWellFormed();
  if (typeof v === 'number') return Math.abs(v) <= MAX_SAFE; // false for ±Infinity too
  if (v === null || typeof v !== 'object') return true;
  if (depth + 1 >= maxDepth) return false; // near the limit: the strict parser decides, with its message
  if (Array.isArray(v)) {
    for (const item of v) if (!isPlain(item, depth + 1, maxDepth, seen)) return false;
    return true;
  }
  for (const key in v) {
    if (key === '__proto__' || !(key as WellFormedString).isWellFormed()) return false;
    seen.members++;
    if (!isPlain((v as Record<string, unknown>)[key], depth + 1, maxDepth, seen)) return false;
  }
  return !Object.hasOwn(v, '__proto__');
}

/** Member names in valid JSON text: its colons outside strings, found by jumping from quote to quote. */
function memberNames(text: string): number {
  let count = 0;
  for (let at = 0; ;) {
    const open = text.indexOf('"', at);
    const gapEnd = open === -1 ? text.length : open;
    for (let i = at; i < gapEnd; i++) if (text.charCodeAt(i) === 0x3a) count++;
    if (open === -1) return count;
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && escapedQuote(text, close)) close = text.indexOf('"', close + 1);
    if (close === -1) return -1; // not valid JSON after all: no count matches, the strict parser decides
    at = close + 1;
  }
}

/** A quote preceded by an odd run of backslashes is part of the string. */
function escapedQuote(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** RFC 6901 pointer of a path of member names and indices. */
export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

class Parser {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly deferValueFaults: boolean,
  ) {}

  document(): unknown {
    this.ws();
    const value = this.value(0);
    this.ws();
    if (this.pos < this.text.length) this.syntax('unexpected text after the JSON value');
    return value;
  }

  private value(depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.syntax(this.pos >= this.text.length ? 'unexpected end of JSON' : 'expected a JSON value');
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (this.eat(0x7d)) return out;
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.syntax('expected a member name');
      const key = this.string(true);
      this.path.push(key);
      if (key === '__proto__') this.refuse('invalid_request', 'the member name "__proto__" is refused (prototype pollution)');
      if (Object.hasOwn(out, key))
        this.refuse('invalid_request', 'duplicate member name (I-JSON, RFC 7493 §2.3): each name may appear once per object');
      this.ws();
      if (!this.eat(0x3a)) this.syntax('expected ":"');
      this.ws();
      out[key] = this.value(depth);
      this.path.pop();
      this.ws();
      if (this.eat(0x2c)) {
        this.ws();
        continue;
      }
      if (this.eat(0x7d)) return out;
      this.syntax('expected "," or "}"');
    }
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (this.eat(0x5d)) return out;
    for (;;) {
      this.path.push(out.length);
      out.push(this.value(depth));
      this.path.pop();
      this.ws();
      if (this.eat(0x2c)) {
        this.ws();
        continue;
      }
      if (this.eat(0x5d)) return out;
      this.syntax('expected "," or "]"');
    }
  }

  private string(isKey = false): string {
    const { text } = this;
    const start = ++this.pos;
    // fast path: no escapes
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
    }
    let out = '';
    let from = start;
    for (let i = start; ; i++) {
      if (i >= text.length) {
        this.pos = i;
        this.syntax('unterminated string');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return out + text.slice(from, i);
      }
      if (c < 0x20) {
        this.pos = i;
        this.syntax('control characters must be escaped in strings');
      }
      if (c !== 0x5c) continue;
      out += text.slice(from, i);
      const e = text[i + 1];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i++;
        from = i + 1;
        continue;
      }
      if (e !== 'u') {
        this.pos = i;
        this.syntax('invalid escape sequence');
      }
      const unit = this.hex4(i + 2);
      i += 5;
      if (unit >= 0xd800 && unit <= 0xdbff && text[i + 1] === '\\' && text[i + 2] === 'u') {
        const low = this.hex4(i + 3);
        if (low >= 0xdc00 && low <= 0xdfff) {
          out += String.fromCharCode(unit, low);
          i += 6;
          from = i + 1;
          continue;
        }
      }
      if (unit >= 0xd800 && unit <= 0xdfff && !this.deferValueFaults) {
        this.pos = i;
        const where = isKey ? 'in a member name of this object' : 'in this string';
        this.refuse(
          'validation_failed',
          `lone surrogate \\u${unit.toString(16)} ${where} has no Unicode meaning and cannot be canonicalized (RFC 8785)`,
        );
      }
      out += String.fromCharCode(unit);
      from = i + 1;
    }
  }

  private hex4(at: number): number {
    const h = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) {
      this.pos = at;
      this.syntax('invalid \\u escape');
    }
    return parseInt(h, 16);
  }

  private number(): number {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (!m) this.syntax('invalid number');
    this.pos += m![0].length;
    const n = Number(m![0]);
    if (this.deferValueFaults) return n;
    if (!Number.isFinite(n)) this.refuse('validation_failed', `${m![0]} is beyond the range of a double (I-JSON): send it as a string`);
    if (Math.abs(n) > MAX_SAFE) {
      this.refuse(
        'validation_failed',
        `${m![0]} is an integer beyond ±(2^53−1), which I-JSON numbers cannot hold exactly: send it as a string`,
      );
    }
    return n;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) {
      this.refuse('payload_too_large', `nesting is limited to ${this.maxDepth} levels`);
    }
  }

  private eat(code: number): boolean {
    if (this.text.charCodeAt(this.pos) !== code) return false;
    this.pos++;
    return true;
  }

  private ws(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private syntax(message: string): never {
    throw new NotaryError('invalid_request', `body: not valid JSON: ${message} at character ${this.pos}`);
  }

  private refuse(code: 'invalid_request' | 'validation_failed' | 'payload_too_large', message: string): never {
    const pointer = jsonPointer(this.path);
    throw new NotaryError(code, `${pointer || 'body'}: ${message}`, pointer ? { field: pointer } : {});
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
