import type { EvidencePackage } from './evidence.js';
import { NotaryError, invalid } from './errors.js';
import type { InputLimits } from './limits.js';

/**
 * Integrity rules: what must hold for a package to be signed exactly as sent and stored without
 * failing. They are kept apart from the AFDP shape rules (validate-evidence.ts), which may be
 * loosened (unknown fields, free-form artifact hashes) without touching these.
 */

type Obj = Record<string, unknown>;

/** in a `u` regex a surrogate pair is one code point, so \p{Cs} matches only a lone surrogate */
const LONE_SURROGATE = /\p{Cs}/u;

const tooLong = (path: string, limits: InputLimits) =>
  new NotaryError('payload_too_large', `${path}: strings are limited to ${limits.maxStringLength} characters`, { field: path });

/**
 * One walk over the whole package: only JSON values; nesting depth, string lengths and node count
 * within the limits; every string and member name well-formed Unicode (a lone surrogate has no
 * UTF-8 form, so RFC 8785 cannot encode it); every number an I-JSON number (finite, and an integer
 * only within ±(2^53−1)). Doors that parse text refuse these earlier (ijson.ts); this walk is what
 * holds for values that arrive any other way (gRPC Struct, the workflow store).
 * `metadata` sits at depth 1, so a container deeper than maxMetadataDepth + 1 anywhere is refused.
 */
export function checkJsonTree(root: Obj, limits: InputLimits, path: string): void {
  let nodes = 0;
  const walk = (v: unknown, p: string, depth: number): void => {
    if (++nodes > limits.maxNodes) {
      throw new NotaryError('payload_too_large', `${path}: at most ${limits.maxNodes} JSON values`, { field: path });
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) throw tooLong(p, limits);
      if (LONE_SURROGATE.test(v)) throw invalid(p, 'holds a lone surrogate, which has no Unicode meaning');
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid(p, 'must be a finite number');
      if (Math.abs(v) > Number.MAX_SAFE_INTEGER)
        throw invalid(p, 'is an integer beyond ±(2^53−1), which I-JSON numbers cannot hold exactly: send it as a string');
      return;
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v !== 'object') throw invalid(p, 'is not a JSON value');
    if (depth - 1 > limits.maxMetadataDepth) {
      throw new NotaryError('payload_too_large', `${p}: nesting is limited to depth ${limits.maxMetadataDepth} below metadata`, {
        field: p,
      });
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`, depth + 1));
      return;
    }
    for (const [k, x] of Object.entries(v as Obj)) {
      if (k.length > limits.maxStringLength) throw tooLong(`${p}.<key>`, limits);
      if (LONE_SURROGATE.test(k)) throw invalid(`${p}.<key>`, 'a member name holds a lone surrogate, which has no Unicode meaning');
      walk(x, `${p}.${k}`, depth + 1);
    }
  };
  walk(root, path, 0);
}

/**
 * Values the store keeps in columns of their own (indexed, searchable) must fit them: PostgreSQL
 * text holds no U+0000, and a b-tree entry is at most 2704 bytes, so each such value is bounded in
 * UTF-8 bytes. A value the database refuses would otherwise fail every notarization committed with it.
 */
export const MAX_COLUMN_BYTES = 1024;

export function checkStorable(pkg: EvidencePackage, path: string): void {
  storableTimestamp(pkg.timestamp_utc, `${path}.timestamp_utc`);
  storableText(pkg.event_type, `${path}.event_type`);
  storableText(pkg.actor.id, `${path}.actor.id`);
  storableText(pkg.actor.actor_type, `${path}.actor.actor_type`);
  pkg.artifacts.forEach((a, i) => storableText(a.hash_sha256, `${path}.artifacts[${i}].hash_sha256`));
}

/** Text that goes into a column of its own: no NUL, at most MAX_COLUMN_BYTES of UTF-8. */
export function storableText(value: string, field: string, maxBytes = MAX_COLUMN_BYTES): void {
  if (value.includes('\u0000')) throw invalid(field, 'must not contain U+0000 (NUL)');
  if (Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new NotaryError('payload_too_large', `${field}: at most ${maxBytes} bytes of UTF-8`, { field });
  }
}

export const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * An RFC 3339 date-time naming a real instant that PostgreSQL's timestamptz holds: years
 * 0001-9999, a day that exists in its month (no 2024-02-30), hours 00-23, no leap second (JavaScript
 * dates have none), and an offset within ±15:59, the database's limit.
 */
export function isStorableTimestamp(text: string): boolean {
  const m = RFC3339_RE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]!)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[8] !== undefined && (Number(m[8]) > 15 || Number(m[9]) > 59)) return false;
  return true;
}

export function storableTimestamp(text: string, field: string): void {
  if (!isStorableTimestamp(text)) {
    throw invalid(
      field,
      'must be an RFC 3339 date-time of a real day between years 0001 and 9999, offset within ±15:59, such as 2024-01-23T14:30:00Z',
    );
  }
}
