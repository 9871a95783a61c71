import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** `proto/` at the repository root, from src/api/grpc (tsx) and dist/api/grpc (build) alike. */
export const PROTO_DIR = join(import.meta.dirname, '..', '..', '..', 'proto');
export const NOTARY_PROTO = 'afdp/notary/v1/notary.proto';
export const NOTARY_SERVICE = 'afdp.notary.v1.NotaryService';

/**
 * keepCase: field names as in the proto (evidence_package, hash_sha256), which are also the core's
 * JSON names. longs: String: int64 fields (log_index, integrated_time, Timestamp.seconds) arrive as
 * decimal strings and are never rounded through a double; we convert where the core wants numbers.
 * enums: String: names, not numbers. defaults: false: an unset message field stays undefined, so a
 * missing evidence_package is told apart from an empty one. arrays/objects: repeated and map fields
 * are always present. oneofs: Struct's Value carries `kind`, naming the member that is set.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let cached: protoLoader.PackageDefinition | undefined;

/** Parsed once per process: proto parsing costs tens of milliseconds. */
export function loadNotaryPackage(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync(NOTARY_PROTO, LOADER_OPTIONS);
  return cached;
}

export function notaryServiceDefinition(): grpc.ServiceDefinition {
  return loadNotaryPackage()[NOTARY_SERVICE] as grpc.ServiceDefinition;
}

/** A client constructor for tests, examples and the load generator. */
export function notaryClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeClientConstructor(notaryServiceDefinition(), NOTARY_SERVICE);
}
