import { describe, expect, it } from 'vitest';
import {
  approvalTransition,
  approvalsOf,
  type ApprovalEvent,
  type ApprovalState,
  type ApprovalAttestation,
} from '../../src/core/workflows/index.js';
import type { StoredSignature } from '../../src/ports/evidence-store.js';

const T0 = '2030-01-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const state = (over: Partial<ApprovalState> = {}): ApprovalState => ({
  status: 'pending',
  decisions: [],
  error_message: null,
  request: { approvers: ['alice', 'bob', 'carol'], quorum: 2, expires_at: at(3600) },
  ...over,
});
const approve = (approver: string, s = 1, comment: string | null = null): ApprovalEvent => ({
  type: 'decide',
  approver,
  decision: 'approve',
  comment,
  at: at(s),
});
const reject = (approver: string, s = 1, comment: string | null = null): ApprovalEvent => ({
  type: 'decide',
  approver,
  decision: 'reject',
  comment,
  at: at(s),
});
const signature: StoredSignature = { keyId: 'k', keyVersion: 1, signature: Buffer.from('30', 'hex'), publicKeyPem: 'PEM', signedAt: at(5) };
const attestation: ApprovalAttestation = { payload: '{}', signature_b64: 'MA==', key_id: 'k', key_version: 1 };
const kinds = (t: { effects: { kind: string }[] }) => t.effects.map((e) => e.kind);

/** Applies events in order, as the store would, returning the last transition. */
function run(events: ApprovalEvent[], s = state()) {
  let t = { state: s, effects: [] as { kind: string }[] } as ReturnType<typeof approvalTransition>;
  for (const e of events) t = approvalTransition(t.state, e);
  return t;
}

describe('approval state machine', () => {
  it('pending → pending: an approval below the quorum is recorded', () => {
    const t = approvalTransition(state(), approve('alice', 1, 'lgtm'));
    expect(t.state.status).toBe('pending');
    expect(t.state.decisions).toEqual([{ approver: 'alice', decision: 'approve', comment: 'lgtm', decided_at: at(1) }]);
    expect(kinds(t)).toEqual(['record_decision']);
  });

  it('pending → running: the approval that meets the quorum asks for signing', () => {
    const t = run([approve('alice', 1), approve('carol', 2)]);
    expect(t.state.status).toBe('running');
    expect(kinds(t)).toEqual(['record_decision', 'sign']);
    expect(approvalsOf(t.state).map((d) => d.approver)).toEqual(['alice', 'carol']);
  });

  it('pending → failed: one rejection ends it, whatever the approvals so far', () => {
    const t = run([approve('alice', 1), reject('bob', 2, 'no eval report')]);
    expect(t.state).toMatchObject({ status: 'failed', error_message: 'rejected by bob: no eval report' });
    expect(t.effects).toEqual([
      { kind: 'record_decision', decision: expect.objectContaining({ approver: 'bob', decision: 'reject' }) },
      { kind: 'notify', event: 'failed', details: { reason: 'rejected by bob: no eval report' } },
    ]);
  });

  it('pending → failed: expiry once due, not before', () => {
    expect(approvalTransition(state(), { type: 'expire', at: at(3599) })).toEqual({ state: state(), effects: [] });
    const t = approvalTransition(state(), { type: 'expire', at: at(3600) });
    expect(t.state.status).toBe('failed');
    expect(t.state.error_message).toMatch(/^approval expired at/);
    expect(kinds(t)).toEqual(['notify']);
  });

  it('a decision after the deadline expires the workflow and is refused', () => {
    const t = approvalTransition(state(), approve('alice', 4000));
    expect(t.state.status).toBe('failed');
    expect(t.state.decisions).toEqual([]);
    expect(t.refusal?.code).toBe('workflow_closed');
    expect(kinds(t)).toEqual(['notify']);
  });

  it('running → completed: the signature and attestation are stored, completion notified', () => {
    const running = run([approve('alice'), approve('bob')]).state;
    const t = approvalTransition(running, { type: 'signed', at: at(5), signature, attestation });
    expect(t.state.status).toBe('completed');
    expect(t.effects).toEqual([
      { kind: 'store_approval_signature', signature, attestation },
      { kind: 'notify', event: 'completed', details: {} },
    ]);
  });

  it('running → failed: a permanent signing failure', () => {
    const running = run([approve('alice'), approve('bob')]).state;
    const t = approvalTransition(running, { type: 'sign_failed', at: at(5), reason: 'key disabled' });
    expect(t.state).toMatchObject({ status: 'failed', error_message: 'signing failed: key disabled' });
    expect(approvalTransition(state(), { type: 'sign_failed', at: at(5), reason: 'x' }).effects).toEqual([]);
  });

  it('a second signature (a racing replica) is refused and stores nothing', () => {
    const completed = { ...state(), status: 'completed' as const };
    const t = approvalTransition(completed, { type: 'signed', at: at(6), signature, attestation });
    expect(t.refusal?.code).toBe('workflow_closed');
    expect(t.effects).toEqual([]);
    expect(approvalTransition(state(), { type: 'signed', at: at(6), signature, attestation }).refusal?.code).toBe('workflow_closed');
  });

  it('double approval by the same approver counts once; a changed decision is a conflict', () => {
    const once = approvalTransition(state(), approve('alice', 1));
    const twice = approvalTransition(once.state, approve('alice', 2));
    expect(twice).toEqual({ state: once.state, effects: [] });
    expect(() => approvalTransition(once.state, reject('alice', 2))).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('refuses strangers, and decisions on closed workflows (but a retry of the decisive one is fine)', () => {
    expect(() => approvalTransition(state(), approve('mallory'))).toThrow(
      expect.objectContaining({ code: 'validation_failed', field: 'approver' }),
    );
    const running = run([approve('alice'), approve('bob')]).state;
    expect(approvalTransition(running, approve('carol', 3)).refusal?.code).toBe('workflow_closed');
    expect(approvalTransition(running, reject('carol', 3)).refusal?.code).toBe('workflow_closed');
    expect(approvalTransition(running, approve('bob', 3))).toEqual({ state: running, effects: [] });
    const failed = run([reject('alice')]).state;
    expect(approvalTransition(failed, approve('bob')).refusal?.code).toBe('workflow_closed');
    expect(approvalTransition(failed, { type: 'expire', at: at(9999) }).effects).toEqual([]);
  });

  it('a quorum of one signs on the first approval', () => {
    const t = approvalTransition(state({ request: { approvers: ['alice'], quorum: 1, expires_at: at(60) } }), approve('alice'));
    expect([t.state.status, ...kinds(t)]).toEqual(['running', 'record_decision', 'sign']);
  });
});
