import type { StoredSignature } from '../../ports/evidence-store.js';
import { NotaryError } from '../errors.js';
import type { BatchItemState, BatchState, Effect, ItemError, Transition } from './types.js';

/**
 * The batch workflow as a pure function. A batch is `running` while any item is pending; each item
 * ends `signed` or `failed` on its own (a bad package fails alone). When none is pending the batch
 * ends: `completed` if at least one item was signed, `failed` if every item failed.
 *
 *   item pending ──item_signed──► signed  [store item signature]
 *   item pending ──item_failed──► failed  [record item error]
 *   batch running ──last item done──► completed | failed  [notify]
 */
export type BatchEvent =
  { type: 'item_signed'; index: number; signature: StoredSignature } | { type: 'item_failed'; index: number; error: ItemError };

export function batchTransition(state: BatchState, event: BatchEvent): Transition<BatchState> {
  const item = state.items.find((i) => i.index === event.index);
  if (!item) throw new NotaryError('not_found', `batch has no item ${event.index}`);
  if (item.status !== 'pending' || state.status !== 'running') {
    return { state, effects: [], refusal: new NotaryError('workflow_closed', `item ${event.index} is already ${item.status}`) };
  }
  const done: BatchItemState =
    event.type === 'item_signed' ? { ...item, status: 'signed' } : { ...item, status: 'failed', error: event.error };
  const effect: Effect =
    event.type === 'item_signed'
      ? { kind: 'store_item_signature', index: event.index, signature: event.signature }
      : { kind: 'fail_item', index: event.index, error: event.error };
  const items = state.items.map((i) => (i.index === event.index ? done : i));
  const next = settle({ ...state, items });
  return { state: next.state, effects: [effect, ...next.effects] };
}

/** Ends the batch when no item is pending; also used at creation, when every item may have failed validation. */
export function settle(state: BatchState): Transition<BatchState> {
  if (state.status !== 'running' || state.items.some((i) => i.status === 'pending')) return { state, effects: [] };
  const counts = countItems(state.items);
  if (counts.succeeded > 0) {
    return { state: { ...state, status: 'completed' }, effects: [{ kind: 'notify', event: 'completed', details: counts }] };
  }
  const error_message = `all ${counts.total} items failed`;
  return { state: { ...state, status: 'failed', error_message }, effects: [{ kind: 'notify', event: 'failed', details: counts }] };
}

export function countItems(items: BatchItemState[]) {
  const by = (s: BatchItemState['status']) => items.filter((i) => i.status === s).length;
  return { total: items.length, succeeded: by('signed'), failed: by('failed'), pending: by('pending') };
}
