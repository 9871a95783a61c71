import type { Clock } from '../../ports/clock.js';
import { DEFAULT_LIMITS, parseDepth } from '../../core/limits.js';
import type { Notary } from '../../core/notary.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { decodeEvent } from './decode-event.js';
import type { EventLedger } from './ledger.js';
import type { PipelineEvent, Publication, WorkflowKind } from './messages.js';
import { errorPublication, statusPublication, toFailure, UNSUPPORTED_WORKFLOW, type EventContext, type Failure } from './outcomes.js';
import { notarizeItems, prepareItems } from './sign-items.js';
import { startApproval, type RequestApproval } from './start-approval.js';

/** One delivery, as the transport hands it over. */
export interface IncomingMessage {
  data: Buffer;
  properties: Record<string, string>;
  /** 0 on first delivery */
  redeliveryCount: number;
  /** for error details only */
  messageId?: string;
}

/** What the transport must do, in order: publish everything, then (dead-letter and) ack, or nack. */
export type Action =
  | { kind: 'publish'; publication: Publication }
  | { kind: 'dlq'; data: Buffer; properties: Record<string, string> }
  | { kind: 'ack' }
  | { kind: 'nack'; delayMs: number };

export interface HandleDeps {
  /** `limits` (the real Notary's) bounds how deep a message's JSON may nest; default DEFAULT_LIMITS */
  notary: Pick<Notary, 'prepare' | 'notarizePrepared'> & Partial<Pick<Notary, 'limits'>>;
  /** starts approval_sign workflows; without it approval_sign events are dead-lettered as unsupported */
  requestApproval?: RequestApproval;
  ledger: EventLedger;
  clock: Clock;
  /** deliveries (first one included) before a transient failure dead-letters the message */
  maxDeliveries: number;
  backoff: BackoffOptions;
  random?: () => number;
}

/**
 * The event logic of the Pulsar door, free of any transport: message in, actions out.
 * Input errors are final (DLQ at once); transient ones are nacked with backoff until the
 * delivery limit; an event_id already in the ledger has its stored messages re-published.
 * simple_sign and batch_sign sign at once; approval_sign only starts the approval workflow.
 */
export async function handleEvent(msg: IncomingMessage, deps: HandleDeps): Promise<Action[]> {
  const startedAt = deps.clock.now().getTime();
  let event: PipelineEvent | undefined;
  const ctx = (): EventContext => ({
    eventId: event?.event_id ?? msg.properties.event_id ?? null,
    traceId: event?.trace_id ?? msg.properties.trace_id ?? null,
    workflowType: (event?.workflow_type.startsWith('custom:') ? 'simple_sign' : (event?.workflow_type ?? 'simple_sign')) as WorkflowKind,
    redeliveryCount: msg.redeliveryCount,
    now: deps.clock.now(),
    startedAt,
  });
  try {
    event = decodeEvent(msg.data, parseDepth(deps.notary.limits ?? DEFAULT_LIMITS));
    const workflow = event.workflow_type;
    if (workflow !== 'simple_sign' && workflow !== 'batch_sign' && !(workflow === 'approval_sign' && deps.requestApproval)) {
      // custom workflows (and approval_sign on a consumer without workflows): dead-lettered, kept for a replay
      return deadLetter(msg, ctx(), {
        code: UNSUPPORTED_WORKFLOW,
        message: `workflow_type ${workflow} is not supported over Pulsar yet`,
        field: 'event.workflow_config.workflow_type',
        retryable: false,
      });
    }
    const items = prepareItems(event, deps.notary);
    const existing = await deps.ledger.find(event.event_id);
    if (existing) {
      const sameContent = JSON.stringify(existing.evidenceHashes) === JSON.stringify(items.map((i) => i.evidence?.hashHex ?? null));
      if (!sameContent || existing.workflowType !== workflow) {
        const message = sameContent
          ? `this event_id was already handled as ${existing.workflowType}`
          : 'this event_id was already notarized with different content';
        return deadLetter(msg, ctx(), { code: 'idempotency_mismatch', message, field: 'event.event_id', retryable: false });
      }
      return [...existing.publications.map(publish), { kind: 'ack' }];
    }
    if (msg.redeliveryCount >= deps.maxDeliveries) {
      // delivered more often than allowed without an outcome (e.g. it crashed the process each time)
      return deadLetter(msg, ctx(), {
        code: 'deadline_exceeded',
        message: `no outcome after ${msg.redeliveryCount} deliveries`,
        retryable: false,
      });
    }
    const entry =
      workflow === 'approval_sign'
        ? await startApproval(event, items, deps.requestApproval!, ctx)
        : await notarizeItems(event, items, deps.notary, ctx);
    const kept = await deps.ledger.record(entry);
    return [...kept.publications.map(publish), { kind: 'ack' }];
  } catch (err) {
    return onFailure(msg, ctx(), toFailure(err), deps);
  }
}

const publish = (publication: Publication): Action => ({ kind: 'publish', publication });

function onFailure(msg: IncomingMessage, ctx: EventContext, failure: Failure, deps: HandleDeps): Action[] {
  const deliveries = msg.redeliveryCount + 1;
  if (!failure.retryable || deliveries >= deps.maxDeliveries) return deadLetter(msg, ctx, failure, failure.retryable ? { deliveries } : {});
  const delayMs = backoffDelay(msg.redeliveryCount, deps.backoff, deps.random);
  return [publish(errorPublication(ctx, failure, { will_retry: true, retry_in_ms: delayMs })), { kind: 'nack', delayMs }];
}

/** Final failure: a NotaryError and a `failed` status are published, the original bytes go to the DLQ. */
function deadLetter(msg: IncomingMessage, ctx: EventContext, failure: Failure, details: Record<string, unknown> = {}): Action[] {
  const extra = { ...details, dead_lettered: true, ...(msg.messageId ? { message_id: msg.messageId } : {}) };
  return [
    publish(errorPublication(ctx, failure, extra)),
    publish(statusPublication(ctx, null, 'failed', failure.message)),
    {
      kind: 'dlq',
      data: msg.data,
      properties: {
        ...msg.properties,
        afdp_error_code: failure.code,
        afdp_error_message: failure.message,
        afdp_deliveries: String(msg.redeliveryCount + 1),
        ...(failure.field ? { afdp_error_field: failure.field } : {}),
      },
    },
    { kind: 'ack' },
  ];
}
