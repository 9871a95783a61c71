/**
 * @afdp-notary/client: a typed client for the AFDP Notary Service.
 *   createRestClient({ url })       every REST route typed from the OpenAPI document; sign/receipt/validate/trustRoot
 *   createGrpcClient({ address })   the ts-proto stubs for proto/; the same calls over gRPC
 *   verifyReceiptOffline(…)         the offline verifier of `afdp-notary verify`
 * Both clients retry 429/503/UNAVAILABLE/RESOURCE_EXHAUSTED with backoff (honouring Retry-After and
 * RetryInfo) and send an idempotency key with every sign, so a retry never signs twice.
 */
export { NotaryError, type NotaryErrorKind } from './errors.js';
export { createGrpcClient, NotaryGrpcClient, type GrpcClientOptions, type GrpcSignResult } from './grpc.js';
export { newIdempotencyKey } from './idempotency.js';
export { receiptFromMsg, toEvidencePackageMsg } from './proto-shapes.js';
export {
  createRestClient,
  NotaryRestClient,
  type Credentials,
  type EvidencePackage,
  type EvidencePackageInput,
  type Problem,
  type Receipt,
  type RestClientOptions,
  type SignEvidenceResponse,
  type SignOptions,
  type SignResult,
  type TrustRootDocument,
  type ValidateEvidenceResponse,
} from './rest.js';
export { backoffDelay, DEFAULT_RETRY, parseRetryAfter, retryPolicy, withRetries, type RetryOptions, type RetryPolicy } from './retry.js';
export * from './verify.js';
/** Generated types, for calls the helpers do not cover. */
export type { components, operations, paths } from './generated/openapi.js';
export * as grpc from './generated/grpc/afdp/notary/v1/notary_pb.js';
