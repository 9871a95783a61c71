import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_DIR } from './proto.js';
import type { RpcStatusMsg } from './wire.js';

/**
 * google.rpc.Status and its detail messages, encoded with protobufjs directly: the Status travels in
 * the `grpc-status-details-bin` trailer as bytes, outside what proto-loader serializes for us.
 */
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });

const Status = root.lookupType('google.rpc.Status');
const TYPE_PREFIX = 'type.googleapis.com/';

export type Detail =
  | { type: 'google.rpc.ErrorInfo'; reason: string; domain: string; metadata?: Record<string, string> }
  | { type: 'google.rpc.BadRequest'; field_violations: { field: string; description: string }[] }
  | { type: 'google.rpc.RetryInfo'; retry_delay: { seconds: number; nanos?: number } }
  | { type: 'google.rpc.PreconditionFailure'; violations: { type: string; subject: string; description: string }[] };

/** Packs each detail into a google.protobuf.Any. */
export function rpcStatus(code: number, message: string, details: Detail[]): RpcStatusMsg {
  return {
    code,
    message,
    details: details.map(({ type, ...fields }) => {
      const t = root.lookupType(type);
      return { type_url: TYPE_PREFIX + type, value: t.encode(t.fromObject(fields)).finish() };
    }),
  };
}

export const encodeRpcStatus = (s: RpcStatusMsg): Buffer => Buffer.from(Status.encode(Status.fromObject(s)).finish());

export interface DecodedStatus {
  code: number;
  message: string;
  details: ({ type: string } & Record<string, unknown>)[];
}

/** For clients: the `grpc-status-details-bin` trailer (or a result's `error`) with details unpacked. */
export function decodeRpcStatus(bytes: Uint8Array | RpcStatusMsg): DecodedStatus {
  const s = (bytes instanceof Uint8Array ? Status.toObject(Status.decode(bytes), { defaults: true }) : bytes) as RpcStatusMsg;
  return {
    code: s.code,
    message: s.message,
    details: (s.details ?? []).map((any) => {
      const type = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
      const t = root.lookupType(type);
      return { type, ...t.toObject(t.decode(any.value), { defaults: true, longs: Number }) };
    }),
  };
}
