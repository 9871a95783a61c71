import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { NotaryError } from '../../core/errors.js';
import { NOTARY_PROTO, NOTARY_SERVICE, PROTO_DIR } from './proto.js';

/**
 * Checks a request's raw bytes before protobufjs decodes them. protobufjs replaces invalid UTF-8 in
 * string fields (and Struct keys) silently, so a package would be signed with characters nobody
 * sent; it also throws past 100 nested messages, which grpc-js reports as INTERNAL. Both are the
 * caller's fault: such a request reaches the handler as a refusal (INVALID_ARGUMENT), never decoded.
 */

const { Reader, Type } = protobuf;
type ProtoType = protobuf.Type;
type ProtoReader = protobuf.Reader;

const REFUSED = Symbol('refused request');
interface Refused {
  [REFUSED]: NotaryError;
}

/** The refusal a strict deserializer left in place of a request, if any. */
export const refusalOf = (request: unknown): NotaryError | undefined =>
  typeof request === 'object' && request !== null && REFUSED in request ? (request as Refused)[REFUSED] : undefined;

/** Throws the refusal a strict deserializer left in place of `request`; call before using it. */
export function assertDecoded(request: unknown): void {
  const refused = refusalOf(request);
  if (refused) throw refused;
}

/** The service definition with every request deserializer checking the raw bytes first. */
export function strictServiceDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const service = notaryRoot().lookupService(NOTARY_SERVICE);
  const strict: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const type = service.methods[name]?.resolvedRequestType;
    if (!type) throw new Error(`no request type for ${name}`);
    const decode = method.requestDeserialize;
    strict[name] = { ...method, requestDeserialize: (bytes: Buffer) => strictDecode(bytes, type, decode) };
  }
  return strict;
}

function strictDecode(bytes: Buffer, type: ProtoType, decode: (bytes: Buffer) => unknown): unknown {
  try {
    checkWire(bytes, type);
  } catch (err) {
    const refusal = err instanceof NotaryError ? err : new NotaryError('invalid_request', `request: not a valid ${type.name} message`);
    return { [REFUSED]: refusal } satisfies Refused;
  }
  try {
    return decode(bytes);
  } catch {
    return { [REFUSED]: new NotaryError('invalid_request', `request: not a valid ${type.name} message`) } satisfies Refused;
  }
}

let root: protobuf.Root | undefined;

/** The same proto files proto-loader reads; google/protobuf/* come bundled with protobufjs. */
function notaryRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target));
  r.loadSync(NOTARY_PROTO, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** Every string (and map key) valid UTF-8; messages nested no deeper than protobufjs decodes. */
export function checkWire(bytes: Uint8Array, type: ProtoType): void {
  const reader = Reader.create(bytes);
  walk(reader, bytes.length, type, '', 0);
}

const STRUCT = '.google.protobuf.Struct';
const VALUE = '.google.protobuf.Value';
const LIST = '.google.protobuf.ListValue';

function walk(r: ProtoReader, end: number, type: ProtoType, path: string, depth: number): void {
  // the same count and bound as protobufjs's decoder (Reader.recursionLimit, protoc's 100)
  if (depth > Reader.recursionLimit) {
    throw new NotaryError('payload_too_large', `${path || 'request'}: messages nest deeper than ${Reader.recursionLimit} levels`, {
      field: path || undefined,
    });
  }
  // made on first use: most messages (every Struct Value) have neither repeated nor map fields
  let counts: Map<number, number> | undefined;
  let keys: Map<number, Set<string>> | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const wireType = tag & 7;
    const field = type.fieldsById[tag >>> 3];
    if (!field || wireType !== 2) {
      r.skipType(wireType, depth);
      continue;
    }
    let index = 0; // a path names the position of a repeated field's element only
    if (field.repeated) {
      counts ??= new Map();
      index = counts.get(field.id) ?? 0;
      counts.set(field.id, index + 1);
    }
    const name = childPath(type, field, path, index);
    const length = r.uint32();
    const stop = r.pos + length;
    if (stop > end) throw new RangeError('length beyond the message');
    if (field.map) {
      // protobuf lets the last of two equal map keys win; like a duplicate JSON name, that is refused
      const key = walkMapEntry(r, stop, field, path, name, depth);
      keys ??= new Map();
      const seen = keys.get(field.id) ?? new Set<string>();
      keys.set(field.id, seen);
      if (key !== undefined && seen.has(key)) {
        const at = isStruct(type) ? `${path}.${key}` : `${name}[${key}]`;
        throw new NotaryError('invalid_request', `${at}: duplicate map key: each key may appear once`, { field: at });
      }
      if (key !== undefined) seen.add(key);
    } else if (field.type === 'string') checkUtf8(r, stop, name);
    else if (field.resolvedType instanceof Type) walk(r, stop, field.resolvedType, name, depth + 1);
    r.pos = stop;
  }
}

/** Paths as REST names them: evidence_package.metadata.a[0].b, not …fields.a.list_value.values… */
function childPath(type: ProtoType, field: protobuf.Field, path: string, index: number): string {
  const typeName = fullName(type);
  if (typeName === VALUE) return path;
  if (typeName === LIST) return `${path}[${index}]`;
  const name = path ? `${path}.${field.name}` : field.name;
  return field.repeated ? `${name}[${index}]` : name;
}

const isStruct = (type: protobuf.NamespaceBase | null) => type instanceof Type && fullName(type) === STRUCT;

/**
 * protobufjs's `fullName` is a getter that walks the parents and joins their names on every read;
 * read for every field and map entry of a request it was ~5 % of the service's samples under gRPC
 * load. A type's name never changes once its root is resolved, so it is read once per type.
 */
const fullNames = new WeakMap<ProtoType, string>();
function fullName(type: ProtoType): string {
  let name = fullNames.get(type);
  if (name === undefined) fullNames.set(type, (name = type.fullName));
  return name;
}

/** One map entry; returns its key (string keys only). */
function walkMapEntry(
  r: ProtoReader,
  stop: number,
  field: protobuf.Field,
  parent: string,
  name: string,
  depth: number,
): string | undefined {
  // an entry without a key has the default key "" (as protobufjs decodes it)
  let key: string | undefined = field instanceof protobuf.MapField && field.keyType === 'string' ? '' : undefined;
  while (r.pos < stop) {
    const tag = r.uint32();
    const wireType = tag & 7;
    if (tag >>> 3 === 1 && wireType === 2 && field instanceof protobuf.MapField && field.keyType === 'string') {
      const length = r.uint32();
      checkUtf8(r, r.pos + length, isStruct(field.parent) ? `${parent}.<key>` : `${name}.<key>`);
      key = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, length).toString('utf8'); // a view, not a copy
      r.pos += length;
    } else if (tag >>> 3 === 2 && wireType === 2 && field.resolvedType instanceof Type) {
      const length = r.uint32();
      const end = r.pos + length;
      if (end > stop) throw new RangeError('length beyond the map entry');
      const at = isStruct(field.parent) ? `${parent}.${key ?? '<key>'}` : `${name}[${key ?? ''}]`;
      walk(r, end, field.resolvedType, at, depth + 1);
      r.pos = end;
    } else {
      r.skipType(wireType, depth);
    }
  }
  return key;
}

function checkUtf8(r: ProtoReader, stop: number, field: string): void {
  if (stop > r.len) throw new RangeError('length beyond the message');
  if (!isUtf8(r.buf.subarray(r.pos, stop))) {
    throw new NotaryError(
      'invalid_request',
      `${field}: not valid UTF-8 (invalid, overlong or surrogate byte sequences are refused, never replaced)`,
      { field },
    );
  }
}
