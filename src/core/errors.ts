/**
 * Every failure the core reports has a stable code. Each door maps codes once
 * (REST: problem+json status, gRPC: status code, Pulsar: ack/nack/DLQ).
 */
export type ErrorCode =
  | 'invalid_request' // malformed or schema-violating input
  | 'validation_failed' // well-formed, semantically wrong (bad hash, bad timestamp …)
  | 'payload_too_large'
  | 'not_found'
  | 'conflict'
  | 'idempotency_mismatch' // same Idempotency-Key, different body
  | 'workflow_closed' // a decision or step on a workflow that no longer takes it (expired, rejected, signed)
  | 'unavailable' // a dependency (store, signer, log) cannot answer now
  | 'rate_limited'
  | 'deadline_exceeded'
  | 'internal';

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['unavailable', 'rate_limited', 'deadline_exceeded']);

export interface NotaryErrorOptions {
  cause?: unknown;
  /** JSON pointer-ish path of the offending field, for input errors. */
  field?: string;
  retryable?: boolean;
}

export class NotaryError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: NotaryErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'NotaryError';
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
  }
}

export function isNotaryError(err: unknown): err is NotaryError {
  return err instanceof NotaryError;
}

export const invalid = (field: string, message: string): NotaryError =>
  new NotaryError('validation_failed', `${field}: ${message}`, { field });
