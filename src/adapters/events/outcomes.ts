import { isNotaryError } from '../../core/errors.js';
import type { NotarizeResult } from '../../core/notary.js';
import { MESSAGE_TYPE, propertyValue, type ErrorType, type NotaryStatusMessage, type Publication, type WorkflowKind } from './messages.js';

/** What every outgoing message of one delivery shares. */
export interface EventContext {
  eventId: string | null;
  traceId: string | null;
  workflowType: WorkflowKind;
  redeliveryCount: number;
  now: Date;
  startedAt: number;
}

/** A failure as the Pulsar door sees it: a stable code, a message safe to publish, retry or not. */
export interface Failure {
  code: string;
  message: string;
  field?: string;
  retryable: boolean;
}

/** Codes of this door that the core does not have. */
export const UNSUPPORTED_WORKFLOW = 'unsupported_workflow';

/**
 * The door's one table from error to handling. Retryable core errors are retried; so is `conflict`
 * (the same Idempotency-Key is still being worked on elsewhere, e.g. another consumer) and anything
 * that is not a NotaryError (unknown, so maybe transient: bounded by the delivery limit). Input
 * errors are final. Messages of unknown errors are masked, as 5xx bodies are.
 */
export function toFailure(err: unknown): Failure {
  if (!isNotaryError(err)) return { code: 'internal', message: 'internal error', retryable: true };
  const message = err.code === 'internal' ? 'internal error' : err.message;
  return { code: err.code, message, field: err.field, retryable: err.retryable || err.code === 'conflict' };
}

const ERROR_TYPES: Record<string, ErrorType> = {
  invalid_request: 'validation',
  validation_failed: 'validation',
  payload_too_large: 'validation',
  idempotency_mismatch: 'validation',
  [UNSUPPORTED_WORKFLOW]: 'workflow',
  conflict: 'workflow',
  unavailable: 'network',
  rate_limited: 'resource',
  deadline_exceeded: 'timeout',
};

export const errorTypeOf = (code: string): ErrorType => ERROR_TYPES[code] ?? 'internal';

/** Pulsar properties are strings only: absent values are left out rather than sent as "null". */
function props(entries: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

export function errorPublication(
  ctx: EventContext,
  failure: Failure,
  details: Record<string, unknown> = {},
  workflowId: string | null = null,
): Publication {
  const error_type = errorTypeOf(failure.code);
  return {
    topic: 'errors',
    payload: {
      event_id: ctx.eventId ?? '',
      workflow_id: workflowId,
      timestamp: ctx.now.toISOString(),
      error_type,
      message: failure.message,
      details: { code: failure.code, ...(failure.field ? { field: failure.field } : {}), ...details },
      stack_trace: null,
      retry_count: ctx.redeliveryCount,
      trace_id: ctx.traceId,
    },
    properties: props({
      event_id: ctx.eventId,
      error_type: propertyValue(error_type),
      retry_count: ctx.redeliveryCount,
      message_type: MESSAGE_TYPE.errors,
      workflow_id: workflowId,
      trace_id: ctx.traceId,
    }),
  };
}

/** `workflowId` null: the event has no single workflow; AFDP's consumers get an empty string. */
export function statusPublication(
  ctx: EventContext,
  workflowId: string | null,
  status: NotaryStatusMessage['status'],
  message: string,
  progress: NotaryStatusMessage['progress'] = null,
): Publication {
  const workflow_id = workflowId ?? '';
  return {
    topic: 'status',
    payload: {
      event_id: ctx.eventId ?? '',
      workflow_id,
      status,
      timestamp: ctx.now.toISOString(),
      message,
      progress,
      trace_id: ctx.traceId,
    },
    properties: props({
      event_id: ctx.eventId,
      workflow_id,
      status: propertyValue(status),
      message_type: MESSAGE_TYPE.status,
      trace_id: ctx.traceId,
    }),
  };
}

export function resultPublication(ctx: EventContext, result: NotarizeResult, metadata: Record<string, unknown> = {}): Publication {
  const workflowId = result.workflow.id;
  return {
    topic: 'results',
    payload: {
      event_id: ctx.eventId ?? '',
      workflow_id: workflowId,
      workflow_type: ctx.workflowType,
      timestamp: ctx.now.toISOString(),
      success: true,
      error: null,
      receipt: result.receipt,
      processing_duration_ms: Math.max(0, ctx.now.getTime() - ctx.startedAt),
      trace_id: ctx.traceId,
      metadata: {
        evidence_package_hash: result.receipt.evidence_package_hash,
        ...(result.warnings?.length ? { warnings: result.warnings } : {}),
        ...metadata,
      },
    },
    properties: props({
      event_id: ctx.eventId,
      workflow_id: workflowId,
      success: true,
      message_type: MESSAGE_TYPE.results,
      trace_id: ctx.traceId,
    }),
  };
}
