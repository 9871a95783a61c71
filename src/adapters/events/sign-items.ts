import { NotaryError } from '../../core/errors.js';
import type { CanonicalEvidence } from '../../core/evidence.js';
import type { Notary, NotarizeResult } from '../../core/notary.js';
import type { LedgerEntry } from './ledger.js';
import type { PipelineEvent, Publication } from './messages.js';
import { errorPublication, resultPublication, statusPublication, toFailure, type EventContext, type Failure } from './outcomes.js';
import { eventField, toEvidencePackages } from './to-evidence.js';

export interface PreparedItem {
  index: number;
  evidence?: CanonicalEvidence;
  failure?: Failure;
}

type NotaryPort = Pick<Notary, 'prepare' | 'notarizePrepared'>;

/** The Idempotency-Key that makes signing exactly-once across redeliveries, crashes and replicas. */
export const idempotencyKey = (eventId: string, item?: number): string =>
  item === undefined ? `pulsar:${eventId}` : `pulsar:${eventId}:${item}`;

/**
 * Validates and canonicalizes every package of the event once. simple_sign: an invalid package
 * makes the whole event invalid. batch_sign: an invalid item is reported on its own, unless every
 * item is invalid — then the event itself is malformed.
 */
export function prepareItems(event: PipelineEvent, notary: NotaryPort): PreparedItem[] {
  const packages = toEvidencePackages(event);
  const path = (i: number) => (event.evidence_packages ? `event.evidence_packages[${i}]` : 'event');
  if (event.workflow_type !== 'batch_sign') return [{ index: 0, evidence: prepare(notary, packages[0], path(0)) }];
  const items = packages.map((pkg, index): PreparedItem => {
    try {
      return { index, evidence: prepare(notary, pkg, path(index)) };
    } catch (err) {
      return { index, failure: toFailure(err) };
    }
  });
  const firstFailure = items[0]?.failure;
  if (firstFailure && items.every((i) => i.failure))
    throw new NotaryError(firstFailure.code as 'invalid_request', firstFailure.message, { field: firstFailure.field });
  return items;
}

/** notary.prepare, with fault locations named as the producer wrote them (`event.timestamp`, not `timestamp_utc`). */
function prepare(notary: NotaryPort, pkg: unknown, path: string): CanonicalEvidence {
  try {
    return notary.prepare(pkg, path);
  } catch (err) {
    if (err instanceof NotaryError && err.field !== undefined) {
      const field = eventField(err.field)!;
      if (field !== err.field) throw new NotaryError(err.code, err.message.replace(err.field, field), { field, cause: err });
    }
    throw err;
  }
}

/** Signs every prepared item (exactly once per key) and describes the outcome as the messages to publish. */
export async function notarizeItems(
  event: PipelineEvent,
  items: PreparedItem[],
  notary: NotaryPort,
  ctx: () => EventContext,
): Promise<LedgerEntry> {
  const hashes = items.map((i) => i.evidence?.hashHex ?? null);
  if (event.workflow_type !== 'batch_sign') {
    const r = await notary.notarizePrepared(items[0]!.evidence!, {
      idempotencyKey: idempotencyKey(event.event_id),
      audit: { door: 'pulsar', event_id: event.event_id },
    });
    const c = ctx();
    const publications = [
      resultPublication(c, r),
      statusPublication(c, r.workflow.id, 'completed', `evidence signed; anchoring ${r.receipt.anchoring}`),
    ];
    return { eventId: event.event_id, workflowType: 'simple_sign', workflowId: r.workflow.id, evidenceHashes: hashes, publications };
  }
  // Items run together so the store's group commit batches them; a transient failure of any item
  // fails the delivery, and on redelivery the items already signed replay under their own keys.
  const settled = await Promise.allSettled(
    items.map((i) =>
      i.evidence
        ? notary.notarizePrepared(i.evidence, {
            idempotencyKey: idempotencyKey(event.event_id, i.index),
            audit: { door: 'pulsar', event_id: event.event_id, batch_index: i.index },
          })
        : Promise.resolve(null),
    ),
  );
  const transient = settled.find((s) => s.status === 'rejected' && toFailure(s.reason).retryable);
  if (transient) throw (transient as PromiseRejectedResult).reason;
  const c = ctx();
  const size = items.length;
  const publications: Publication[] = [];
  let signed = 0;
  settled.forEach((s, index) => {
    const where = { batch_index: index, batch_size: size };
    const r = s.status === 'fulfilled' ? (s.value as NotarizeResult | null) : null;
    if (r) {
      signed++;
      publications.push(resultPublication(c, r, where));
    } else {
      const failure = s.status === 'rejected' ? toFailure(s.reason) : items[index]!.failure!;
      publications.push(errorPublication(c, failure, where));
    }
  });
  const progress = {
    current_step: 'done',
    total_steps: size,
    completed_steps: signed,
    percentage: Math.round((signed * 100) / size),
    eta_seconds: null,
  };
  publications.push(statusPublication(c, null, signed > 0 ? 'completed' : 'failed', `${signed} of ${size} packages signed`, progress));
  return { eventId: event.event_id, workflowType: 'batch_sign', workflowId: null, evidenceHashes: hashes, publications };
}
