import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { isAuthError } from '../../core/auth/errors.js';
import { REQUEST_ID_PATTERN } from '../../core/request-rules.js';
import { isNotaryError, NotaryError, type ErrorCode } from '../../core/errors.js';
import { encodeRpcStatus, rpcStatus, type Detail } from './status-details.js';
import type { RpcStatusMsg } from './wire.js';

const S = grpc.status;

/** The one table from core error codes to gRPC status codes (REST's twin: rest/problem.ts). */
export const GRPC_STATUS: Record<ErrorCode, grpc.status> = {
  invalid_request: S.INVALID_ARGUMENT,
  validation_failed: S.INVALID_ARGUMENT,
  // a field too large (artifacts, strings, nesting, canonical bytes): fix the request, don't retry.
  // A message over the transport limit gets RESOURCE_EXHAUSTED from grpc-js itself.
  payload_too_large: S.INVALID_ARGUMENT,
  not_found: S.NOT_FOUND,
  // an evidence body purged by retention: its receipt and log entry remain
  gone: S.NOT_FOUND,
  // the first request under this idempotency key is still running: retry shortly
  conflict: S.ABORTED,
  // the idempotency key is already bound to another package
  idempotency_mismatch: S.ALREADY_EXISTS,
  // a step on a workflow that no longer takes it (expired, rejected, already signed)
  workflow_closed: S.FAILED_PRECONDITION,
  unavailable: S.UNAVAILABLE,
  rate_limited: S.RESOURCE_EXHAUSTED,
  deadline_exceeded: S.DEADLINE_EXCEEDED,
  internal: S.INTERNAL,
};

/** ErrorInfo.domain: where `reason` (the core's error code, upper case) is defined. */
export const ERROR_DOMAIN = 'notary.afdp.dev';

/** Door-level failures that are not core errors: each with its status and detail. */
export class DoorError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    readonly details: Detail[] = [],
  ) {
    super(message);
    this.name = 'DoorError';
  }
}

export interface ErrorContext {
  logger: Logger;
  method: string;
  metadata?: grpc.Metadata;
}

/**
 * Any thrown value → google.rpc.Status with readable message and details: ErrorInfo (the core code,
 * for programs), BadRequest (the offending field), RetryInfo (retryable codes). Internal failures
 * are logged and masked: callers get a request id to quote, never driver messages or hosts.
 */
export function toRpcStatus(err: unknown, ctx: ErrorContext): RpcStatusMsg {
  if (err instanceof DoorError) return rpcStatus(err.code, err.message, err.details);
  if (isAuthError(err)) {
    // auth failures have their own codes (kept out of ErrorCode); the message never holds the credential
    const code = err.code === 'unauthenticated' ? S.UNAUTHENTICATED : S.PERMISSION_DENIED;
    return rpcStatus(code, err.message, [
      {
        type: 'google.rpc.ErrorInfo',
        reason: (err.reason ?? err.code).toUpperCase(),
        domain: ERROR_DOMAIN,
        metadata: err.permission ? { permission: err.permission } : {},
      },
    ]);
  }
  const e = isNotaryError(err) ? err : new NotaryError('internal', 'unexpected error', { cause: err });
  const code = GRPC_STATUS[e.code];
  const details: Detail[] = [{ type: 'google.rpc.ErrorInfo', reason: e.code.toUpperCase(), domain: ERROR_DOMAIN }];
  if (e.field) details.push({ type: 'google.rpc.BadRequest', field_violations: [{ field: e.field, description: e.message }] });
  if (e.retryable) details.push({ type: 'google.rpc.RetryInfo', retry_delay: retryDelay(e.retryAfterMs ?? 1000) });
  let message = e.message;
  if (code === S.INTERNAL || code === S.UNAVAILABLE) {
    const incoming = ctx.metadata?.get('x-request-id')[0];
    const requestId = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    ctx.logger.error({ err, code: e.code, method: ctx.method, requestId }, 'grpc call failed');
    if (code === S.INTERNAL) message = `internal error; quote request id ${requestId}`;
  }
  return rpcStatus(code, message, details);
}

const retryDelay = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (Math.ceil(ms) % 1000) * 1_000_000 });

/** The status as a grpc-js ServiceError: code, message, and the Status bytes in the standard trailer. */
export function toServiceError(err: unknown, ctx: ErrorContext): Partial<grpc.ServiceError> {
  const status = toRpcStatus(err, ctx);
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeRpcStatus(status));
  return { code: status.code, details: status.message, metadata };
}
