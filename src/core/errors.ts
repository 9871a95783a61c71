/**
 * Every failure the core reports has a stable code. Each door maps codes once
 * (REST: problem+json status, gRPC: status code, Pulsar: ack/nack/DLQ).
 */
export type ErrorCode =
  | 'invalid_request' // malformed or schema-violating input
  | 'validation_failed' // well-formed, semantically wrong (bad hash, bad timestamp …)
  | 'payload_too_large'
  | 'not_found'
  | 'gone' // it existed and was removed on purpose (an evidence body past its retention)
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
  /** when a retry may succeed (rate limits): Retry-After, gRPC RetryInfo */
  retryAfterMs?: number;
}

export class NotaryError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: NotaryErrorOptions = {}) {
    super(printable(message), { cause: options.cause });
    this.name = 'NotaryError';
    this.code = code;
    this.field = options.field === undefined ? undefined : printable(options.field);
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
  }
}

// C0 controls (NUL above all), DEL and lone surrogates
const UNPRINTABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Messages and field paths quote what callers sent (member names above all). They are stored (a
 * batch item's error), published (Pulsar) and logged, so characters that a database column, a
 * header or a log line cannot hold are written as \uXXXX escapes.
 */
export const printable = (text: string): string => text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function isNotaryError(err: unknown): err is NotaryError {
  return err instanceof NotaryError;
}

export const invalid = (field: string, message: string): NotaryError =>
  new NotaryError('validation_failed', `${field}: ${message}`, { field });
