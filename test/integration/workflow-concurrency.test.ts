import { afterEach, describe, expect, it } from 'vitest';
import { signApproval } from '../../src/core/workflows/approvals.js';
import { approvalTransition } from '../../src/core/workflows/index.js';
import { NotaryError } from '../../src/core/errors.js';
import { backends, skipBackend } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import { count, openCluster } from './workflow-support.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function cluster(...args: Parameters<typeof openCluster>) {
  const c = await openCluster(...args);
  closers.push(c.close);
  return c;
}

describe.each(backends)('workflows with several replicas on %s', (backend) => {
  it.skipIf(skipBackend(backend))('concurrent approvals on two replicas sign exactly once', async () => {
    const {
      nodes: [a, b],
      db,
      signerState,
    } = await cluster(backend, 2, { webhookUrl: 'http://hooks.test/x' });
    const approvers = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`conc-${backend}`), approvers, quorum: 2 });
    const outcomes = await Promise.allSettled(
      approvers.map((approver, i) => (i % 2 ? a : b)!.service.decide(wf.id, { approver, decision: 'approve' })),
    );
    expect(outcomes.every((o) => o.status === 'fulfilled' || (o.reason as NotaryError).code === 'workflow_closed')).toBe(true);
    expect((await a!.service.describe(wf.id)).status).toBe('completed');
    expect(await count(db, 'approval_decisions WHERE workflow_id = $1', [wf.id])).toBe(2);
    expect(await count(db, 'signatures WHERE workflow_id = $1', [wf.id])).toBe(1);
    expect(signerState.signs).toBe(2); // the attestation and the evidence, once each
    expect(await count(db, "webhook_outbox WHERE workflow_id = $1 AND event = 'completed'", [wf.id])).toBe(1);
  });

  it.skipIf(skipBackend(backend))('two signers racing on one running workflow store one signature; the loser anchors nothing', async () => {
    const {
      nodes: [a, b],
      db,
      clock,
    } = await cluster(backend, 2);
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`race-${backend}`), approvers: ['x'] });
    // quorum met, but the replica "dies" before signing: the state is running with its lease held
    const at = clock.now().toISOString();
    await a!.store.updateApproval(wf.id, at, (s) =>
      approvalTransition(s, { type: 'decide', approver: 'x', decision: 'approve', comment: null, at }),
    );
    const depsOf = (n: typeof a) => (n!.service as unknown as { deps: Parameters<typeof signApproval>[0] }).deps;
    const leaves = await count(db, 'log_leaves');
    await Promise.all([signApproval(depsOf(a), wf.id), signApproval(depsOf(b), wf.id)]);
    expect(await count(db, 'signatures WHERE workflow_id = $1', [wf.id])).toBe(1);
    expect(await count(db, 'log_leaves')).toBe(leaves + 1);
    const receipt = await a!.service.receipt(wf.id);
    expect((await a!.notary.validate(uniquePackage(`race-${backend}`), receipt)).is_valid).toBe(true);
  });

  it.skipIf(skipBackend(backend))('a workflow left running by a dead replica is resumed once its lease expires', async () => {
    const {
      nodes: [a, b],
      clock,
    } = await cluster(backend, 2, { leaseMs: 30_000 });
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`dead-${backend}`), approvers: ['x'] });
    const at = clock.now().toISOString();
    await a!.store.updateApproval(wf.id, at, (s) =>
      approvalTransition(s, { type: 'decide', approver: 'x', decision: 'approve', comment: null, at }),
    );
    expect(await b!.service.resumeRunnable()).toBe(0); // the lease still protects the (dead) signer
    clock.advance(30_000);
    const [ra, rb] = await Promise.all([a!.service.resumeRunnable(), b!.service.resumeRunnable()]);
    expect(ra + rb).toBe(1); // SKIP LOCKED + lease: one replica takes it
    expect((await b!.service.describe(wf.id)).status).toBe('completed');
  });

  it.skipIf(skipBackend(backend))('a retryable signing failure leaves the workflow running; the resume loop signs it later', async () => {
    const {
      nodes: [a],
      clock,
      signerState,
    } = await cluster(backend, 1);
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`retry-${backend}`), approvers: ['x'] });
    signerState.failWith = new NotaryError('unavailable', 'vault sealed');
    expect((await a!.service.decide(wf.id, { approver: 'x', decision: 'approve' })).status).toBe('running');
    signerState.failWith = undefined;
    expect(await a!.service.resumeRunnable()).toBe(0); // not before the retry delay
    clock.advance(1000);
    expect(await a!.service.resumeRunnable()).toBe(1);
    expect((await a!.service.describe(wf.id)).status).toBe('completed');
  });

  it.skipIf(skipBackend(backend))('a permanent signing failure fails the workflow; the failed notification is queued', async () => {
    const {
      nodes: [a],
      db,
      signerState,
    } = await cluster(backend, 1, { webhookUrl: 'http://hooks.test/x' });
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`perm-${backend}`), approvers: ['x'] });
    signerState.failWith = new NotaryError('validation_failed', 'key is disabled for signing');
    const view = await a!.service.decide(wf.id, { approver: 'x', decision: 'approve' });
    expect(view).toMatchObject({ status: 'failed', error_message: 'signing failed: key is disabled for signing' });
    expect(await count(db, "webhook_outbox WHERE workflow_id = $1 AND event = 'failed'", [wf.id])).toBe(1);
  });

  it.skipIf(skipBackend(backend))('expiry run by two replicas at once expires each approval exactly once', async () => {
    const {
      nodes: [a, b],
      db,
      clock,
    } = await cluster(backend, 2, { webhookUrl: 'http://hooks.test/x' });
    const ids = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        (
          await a!.service.requestApproval({
            evidencePackage: uniquePackage(`exp-${backend}-${i}`),
            approvers: ['x'],
            expiresInSeconds: 60,
          })
        ).id,
      );
    expect(await a!.service.expireDue()).toBe(0);
    clock.advance(60_000);
    const [ea, eb] = await Promise.all([a!.service.expireDue(5), b!.service.expireDue(5)]);
    const rest = (await a!.service.expireDue()) + (await b!.service.expireDue());
    expect(ea + eb + rest).toBe(12);
    expect(await count(db, "webhook_outbox WHERE event = 'failed' AND workflow_id = ANY($1::uuid[])", [ids])).toBe(12);
    for (const id of ids) expect((await b!.service.describe(id)).status).toBe('failed');
  });

  it.skipIf(skipBackend(backend))('a batch resumed on another replica signs only the items still pending', async () => {
    const {
      nodes: [a, b],
      db,
      clock,
      signerState,
    } = await cluster(backend, 2, { leaseMs: 10_000 });
    signerState.failWith = new NotaryError('unavailable', 'vault sealed');
    const pkgs = [0, 1, 2].map((i) => uniquePackage(`resume-batch-${backend}-${i}`));
    const view = await a!.service.signBatch(pkgs);
    expect(view.batch).toMatchObject({ pending: 3, succeeded: 0 });
    signerState.failWith = undefined;
    clock.advance(1000);
    expect(await b!.service.resumeRunnable()).toBe(1);
    const done = await a!.service.describe(view.id);
    expect(done.status).toBe('completed');
    expect(await count(db, 'signatures s JOIN batch_items i ON i.item_workflow_id = s.workflow_id WHERE i.batch_id = $1', [view.id])).toBe(
      3,
    );
    expect(await b!.service.resumeRunnable()).toBe(0);
  });
});
