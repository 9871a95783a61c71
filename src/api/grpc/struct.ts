import { NotaryError } from '../../core/errors.js';
import type { ListValueMsg, StructMsg, TimestampMsg, ValueMsg } from './wire.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const tooDeep = (path: string, maxDepth: number) =>
  new NotaryError('payload_too_large', `${path}: nesting is limited to depth ${maxDepth} below metadata`, { field: path });

/**
 * google.protobuf.Struct → the JSON object it denotes, exactly (JSON mapping of struct.proto):
 * numberValue is a double, as JSON numbers are in JavaScript; null_value → null; list_value → array.
 * Depth is bounded here, before the core's own walk, so hostile nesting cannot exhaust the stack.
 */
export function structToJson(s: StructMsg, path: string, maxDepth: number, depth = 1): Record<string, Json> {
  if (depth > maxDepth + 1) throw tooDeep(path, maxDepth);
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(s.fields ?? {})) {
    // assigning it would set the object's prototype: the key would vanish from what is signed
    if (key === '__proto__')
      throw new NotaryError('invalid_request', `${path}: the member name "__proto__" is refused (prototype pollution)`, {
        field: `${path}.__proto__`,
      });
    out[key] = valueToJson(value, `${path}.${key}`, maxDepth, depth);
  }
  return out;
}

const KINDS = ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const;

function valueToJson(v: ValueMsg, path: string, maxDepth: number, depth: number): Json {
  // decoded messages name the member in `kind` (oneofs: true); hand-built ones just set it
  switch (v.kind ?? KINDS.find((k) => v[k] !== undefined)) {
    case 'nullValue':
      return null;
    case 'numberValue':
      return v.numberValue ?? 0;
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ?? false;
    case 'structValue':
      return structToJson(v.structValue ?? {}, path, maxDepth, depth + 1);
    case 'listValue':
      return listToJson(v.listValue ?? {}, path, maxDepth, depth + 1);
    default:
      throw new NotaryError('invalid_request', `${path}: google.protobuf.Value has no kind set`, { field: path });
  }
}

function listToJson(l: ListValueMsg, path: string, maxDepth: number, depth: number): Json[] {
  if (depth > maxDepth + 1) throw tooDeep(path, maxDepth);
  return (l.values ?? []).map((v, i) => valueToJson(v, `${path}[${i}]`, maxDepth, depth));
}

/** JSON object → google.protobuf.Struct (for clients and responses). Non-JSON values are refused. */
export function jsonToStruct(obj: Record<string, unknown>): StructMsg {
  const fields: Record<string, ValueMsg> = {};
  // defined, not assigned: a "__proto__" key must travel as a key (the server then refuses it)
  for (const [k, v] of Object.entries(obj))
    Object.defineProperty(fields, k, { value: jsonToValue(v), enumerable: true, writable: true, configurable: true });
  return { fields };
}

export function jsonToValue(v: unknown): ValueMsg {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`${v} has no JSON representation`);
      return { numberValue: v };
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'object':
      return Array.isArray(v) ? { listValue: { values: v.map(jsonToValue) } } : { structValue: jsonToStruct(v as Record<string, unknown>) };
    default:
      throw new TypeError(`a ${typeof v} has no JSON representation`);
  }
}

// Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/**
 * Timestamp → the RFC 3339 text hashed for it: `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form JavaScript's
 * Date#toISOString gives and REST callers send (so the fixtures hash alike on both doors). Sub-
 * millisecond nanos are kept, with 6 or 9 digits as proto3's JSON mapping does, never rounded away.
 */
export function timestampToRfc3339(ts: TimestampMsg, path: string): string {
  const seconds = Number(ts.seconds ?? 0);
  const nanos = ts.nanos ?? 0;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new NotaryError('validation_failed', `${path}: seconds must lie between 0001-01-01 and 9999-12-31`, { field: path });
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new NotaryError('validation_failed', `${path}: nanos must be 0 to 999999999`, { field: path });
  }
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  const frac =
    nanos % 1_000_000 === 0
      ? String(nanos / 1_000_000).padStart(3, '0')
      : nanos % 1000 === 0
        ? String(nanos / 1000).padStart(6, '0')
        : String(nanos).padStart(9, '0');
  return `${whole}.${frac}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 text → Timestamp, exact to the nanosecond (Date.parse alone would drop sub-ms digits). */
export function rfc3339ToTimestamp(text: string): TimestampMsg {
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new TypeError(`not an RFC 3339 date-time: ${text}`);
  return { seconds: String(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** Core ISO strings (workflow and receipt times) → Timestamp; null stays unset. */
export const isoToTimestamp = (iso: string | null | undefined): TimestampMsg | undefined => (iso ? rfc3339ToTimestamp(iso) : undefined);
