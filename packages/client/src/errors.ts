/**
 * One error type for both transports: what the service said (HTTP status or gRPC status, the stable
 * `code` of its problem+json / google.rpc.ErrorInfo, the offending field) or that it could not be
 * reached. Programs branch on `code` and `kind`, never on message text.
 */

export type NotaryErrorKind =
  /** the service answered with an error that asking again will not change (4xx, 500, INVALID_ARGUMENT …) */
  | 'refused'
  /** the service answered that it cannot serve now (429/503, UNAVAILABLE, RESOURCE_EXHAUSTED) and retries ran out */
  | 'unavailable'
  /** no answer: connection refused, DNS, TLS, timeout */
  | 'unreachable';

export class NotaryError extends Error {
  override readonly name = 'NotaryError';
  constructor(
    message: string,
    readonly kind: NotaryErrorKind,
    /** the service's stable error code (`validation_failed`, `idempotency_mismatch`, …) or the transport's */
    readonly code: string,
    readonly details: {
      httpStatus?: number;
      grpcCode?: number;
      field?: string;
      requestId?: string;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }
}
