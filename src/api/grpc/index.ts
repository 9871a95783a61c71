/** The gRPC door: afdp.notary.v1.NotaryService, grpc.health.v1.Health and server reflection. */
export { buildGrpcServer, startGrpcServer, DEFAULT_MAX_MESSAGE_BYTES, type GrpcServerOptions, type GrpcServerHandle } from './server.js';
export { grpcDoorOptions, type GrpcDoorDeps, type GrpcDoorSecurity } from './door.js';
export { METHOD_RULES, MAX_BATCH_SIZE, methodRule, type MethodRule } from './method-rules.js';
export { authenticateGrpcMetadata, authorizeGrpcCall, type MetadataRecord } from './access.js';
export { grpcPeerCertificate, grpcServerCredentials } from './tls.js';
export type { Authorize, ObserveCall } from './call.js';
export { GRPC_STATUS, ERROR_DOMAIN } from './errors.js';
export { STREAM_WINDOW } from './stream.js';
export { MAX_WAIT_ANCHORED_MS } from '../../core/request-rules.js';
// for clients (tests, examples, load generator): same proto, same conversions as the server
export { LOADER_OPTIONS, NOTARY_PROTO, NOTARY_SERVICE, PROTO_DIR, loadNotaryPackage, notaryClientConstructor } from './proto.js';
export { toProtoPackage } from './evidence.js';
export { fromReceiptMsg } from './present.js';
export { decodeRpcStatus, type DecodedStatus } from './status-details.js';
export { jsonToStruct, structToJson, rfc3339ToTimestamp, timestampToRfc3339 } from './struct.js';
export type * from './wire.js';
export { connectNotary, type NotaryGrpcClient, type CallOptions } from './client.js';
