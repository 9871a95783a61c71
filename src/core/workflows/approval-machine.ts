import type { StoredSignature } from '../../ports/evidence-store.js';
import { NotaryError } from '../errors.js';
import type { ApprovalAttestation, ApprovalDecision, ApprovalState, Decision, Transition } from './types.js';

/**
 * The approval workflow as a pure function: (state, event) → new state + effects.
 *
 *   pending ──approve (quorum not yet met)──► pending
 *   pending ──approve (quorum met)──────────► running    [record, sign]
 *   pending ──reject────────────────────────► failed     [record, notify failed]
 *   pending ──expire / any decision too late► failed     [notify failed]
 *   running ──signed────────────────────────► completed  [store signature, notify completed]
 *   running ──sign_failed (permanent)───────► failed     [notify failed]
 *
 * A repeated decision by the same approver is a no-op (idempotent retry), a different one a conflict;
 * decisions on a closed workflow are refused with `workflow_closed`.
 */
export type ApprovalEvent =
  | { type: 'decide'; approver: string; decision: Decision; comment: string | null; at: string }
  | { type: 'expire'; at: string }
  | { type: 'signed'; at: string; signature: StoredSignature; attestation: ApprovalAttestation }
  | { type: 'sign_failed'; at: string; reason: string };

export function approvalTransition(state: ApprovalState, event: ApprovalEvent): Transition<ApprovalState> {
  switch (event.type) {
    case 'decide':
      return decide(state, event);
    case 'expire':
      return isDue(state, event.at) ? expire(state, event.at) : unchanged(state);
    case 'signed':
      if (state.status !== 'running') return refused(state, `workflow is ${state.status}, not awaiting its signature`);
      return {
        state: { ...state, status: 'completed' },
        effects: [
          { kind: 'store_approval_signature', signature: event.signature, attestation: event.attestation },
          { kind: 'notify', event: 'completed', details: {} },
        ],
      };
    case 'sign_failed':
      if (state.status !== 'running') return unchanged(state);
      return fail(state, `signing failed: ${event.reason}`);
  }
}

function decide(state: ApprovalState, event: Extract<ApprovalEvent, { type: 'decide' }>): Transition<ApprovalState> {
  if (!state.request.approvers.includes(event.approver)) {
    throw new NotaryError('validation_failed', `approver: ${event.approver} is not an approver of this workflow`, { field: 'approver' });
  }
  const earlier = state.decisions.find((d) => d.approver === event.approver);
  if (earlier && earlier.decision === event.decision) return unchanged(state); // a retry: count it once
  if (earlier) throw new NotaryError('conflict', `${event.approver} already decided: ${earlier.decision}`, { field: 'decision' });
  if (state.status !== 'pending') return refused(state, `workflow is ${state.status}: no more decisions are taken`);
  if (isDue(state, event.at)) {
    const expired = expire(state, event.at);
    return { ...expired, refusal: closed(`the approval request expired at ${state.request.expires_at}`) };
  }
  const decision: ApprovalDecision = { approver: event.approver, decision: event.decision, comment: event.comment, decided_at: event.at };
  const decisions = [...state.decisions, decision];
  const record = { kind: 'record_decision', decision } as const;
  if (event.decision === 'reject') {
    const reason = `rejected by ${event.approver}${event.comment ? `: ${event.comment}` : ''}`;
    const failed = fail({ ...state, decisions }, reason);
    return { ...failed, effects: [record, ...failed.effects] };
  }
  const approvals = decisions.filter((d) => d.decision === 'approve').length;
  if (approvals < state.request.quorum) return { state: { ...state, decisions }, effects: [record] };
  return { state: { ...state, decisions, status: 'running' }, effects: [record, { kind: 'sign' }] };
}

const isDue = (state: ApprovalState, at: string) => state.status === 'pending' && Date.parse(at) >= Date.parse(state.request.expires_at);

function expire(state: ApprovalState, at: string): Transition<ApprovalState> {
  return fail(state, `approval expired at ${state.request.expires_at} (checked ${at})`);
}

function fail(state: ApprovalState, reason: string): Transition<ApprovalState> {
  return {
    state: { ...state, status: 'failed', error_message: reason },
    effects: [{ kind: 'notify', event: 'failed', details: { reason } }],
  };
}

const unchanged = (state: ApprovalState): Transition<ApprovalState> => ({ state, effects: [] });
const closed = (message: string) => new NotaryError('workflow_closed', message);
const refused = (state: ApprovalState, message: string): Transition<ApprovalState> => ({ state, effects: [], refusal: closed(message) });

/** The decisions that count toward the quorum, in the order they were made. */
export const approvalsOf = (state: Pick<ApprovalState, 'decisions'>): ApprovalDecision[] =>
  state.decisions
    .filter((d) => d.decision === 'approve')
    .sort((a, b) => a.decided_at.localeCompare(b.decided_at) || a.approver.localeCompare(b.approver));
