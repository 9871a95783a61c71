import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, skipBackend } from '../support/databases.js';
import { validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { startWorkflowApp, type WorkflowTestApp } from '../support/workflow-app.js';
import { decide, requestApproval } from '../support/workflow-http.js';

describe.each(backends)('approval workflows over REST (%s)', (backend) => {
  let app: WorkflowTestApp;
  beforeAll(async () => {
    if (skipBackend(backend)) return;
    app = await startWorkflowApp(backend);
  });
  afterAll(async () => app?.close());

  it.skipIf(skipBackend(backend))('signs once the quorum approves, binding the approvals into a receipt validate accepts', async () => {
    const pkg = uniquePackage(`approval-${backend}`);
    const created = await requestApproval(app.rest, {
      evidence_package: pkg,
      approvers: ['alice', 'bob', 'carol'],
      quorum: 2,
      webhook_url: app.hooks.url,
    });
    expect(created.status).toBe(200);
    const id = created.body.workflow_id;
    expect(created.headers.location).toBe(`/api/v1/workflows/${id}/status`);
    expect(created.body).toMatchObject({ workflow_type: 'approval_signing', status: 'pending', quorum: 2 });
    expect(created.body.approval_statuses.map((s: { status: string }) => s.status)).toEqual(['pending', 'pending', 'pending']);
    // AFDP's ApprovalStatusDto.timestamp is a date: while pending, when the approval was requested
    expect(created.body.approval_statuses.map((s: { timestamp: string }) => s.timestamp)).toEqual(Array(3).fill(created.body.created_at));

    const first = await decide(app.rest, id, { approver: 'bob', decision: 'approve', comment: 'model card reviewed' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending');
    expect(first.body.approval_statuses[1]).toMatchObject({ approver: 'bob', status: 'approved', comment: 'model card reviewed' });
    expect(Date.parse(first.body.approval_statuses[1].timestamp)).toBeGreaterThanOrEqual(Date.parse(created.body.created_at));

    const second = await decide(app.rest, id, { approver: 'alice', decision: 'approve' });
    expect(second.body.status).toBe('completed');
    const receipt = second.body.receipt;
    expect(receipt.workflow_id).toBe(id);
    expect(receipt.approvals.map((a: { approver: string }) => a.approver)).toEqual(['bob', 'alice']);
    expect(JSON.parse(receipt.approval_attestation.payload)).toMatchObject({
      workflow_id: id,
      evidence_package_hash: receipt.evidence_package_hash,
    });
    expect((await app.rest.inject(`/api/v1/workflows/${id}/receipt`)).json()).toEqual(receipt);
    expect((await validate(app.rest, pkg, receipt)).body.is_valid).toBe(true);

    // the approvals are bound: dropping or editing one breaks validation, the evidence signature alone still verifies
    const forged = { ...receipt, approvals: [receipt.approvals[0]] };
    const report = (await validate(app.rest, pkg, forged)).body;
    expect(report.is_valid).toBe(false);
    expect(report.validation_result.signature_valid).toBe(true);
    expect((await validate(app.rest, pkg, { ...receipt, approval_attestation: undefined })).body.is_valid).toBe(false);

    const events = await app.hooks.waitFor(2, (w) => w.body.workflow_id === id);
    expect(events.map((e) => e.body.event).sort()).toEqual(['approval_required', 'completed']);
    expect(events.every((e) => e.headers['x-afdp-signature']?.toString().startsWith('sha256='))).toBe(true);
  });

  it.skipIf(skipBackend(backend))('counts a repeated approval once, refuses a changed mind, a stranger and late decisions', async () => {
    const { body } = await requestApproval(app.rest, { evidence_package: uniquePackage(`dup-${backend}`), approvers: ['alice', 'bob'] });
    const id = body.workflow_id;
    expect(body.quorum).toBe(2); // default: every approver
    expect((await decide(app.rest, id, { approver: 'alice', decision: 'approve' })).body.status).toBe('pending');
    const again = await decide(app.rest, id, { approver: 'alice', decision: 'approve' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('pending'); // still one approval of two
    const changed = await decide(app.rest, id, { approver: 'alice', decision: 'reject' });
    expect([changed.status, changed.body.code]).toEqual([409, 'conflict']);
    const stranger = await decide(app.rest, id, { approver: 'mallory', decision: 'approve' });
    expect([stranger.status, stranger.body.code, stranger.body.field]).toEqual([422, 'validation_failed', 'approver']);
    expect((await decide(app.rest, id, { approver: 'bob', decision: 'approve' })).body.status).toBe('completed');
    expect((await decide(app.rest, id, { approver: 'bob', decision: 'approve' })).status).toBe(200); // a retry of the last one
  });

  it.skipIf(skipBackend(backend))('one rejection ends the workflow unsigned', async () => {
    const { body } = await requestApproval(app.rest, {
      evidence_package: uniquePackage(`reject-${backend}`),
      approvers: ['alice', 'bob'],
      quorum: 1,
      webhook_url: app.hooks.url,
    });
    const rejected = await decide(app.rest, body.workflow_id, { approver: 'bob', decision: 'reject', comment: 'missing eval results' });
    expect(rejected.body).toMatchObject({ status: 'failed', error_message: 'rejected by bob: missing eval results' });
    expect(rejected.body.receipt).toBeUndefined();
    const late = await decide(app.rest, body.workflow_id, { approver: 'alice', decision: 'approve' });
    expect([late.status, late.body.code]).toEqual([409, 'workflow_closed']);
    expect((await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).statusCode).toBe(404);
    const failed = await app.hooks.waitFor(1, (w) => w.body.workflow_id === body.workflow_id && w.body.event === 'failed');
    expect(failed[0]!.body).toMatchObject({
      status: 'failed',
      workflow_type: 'approval_signing',
      error_message: 'rejected by bob: missing eval results',
    });
  });

  it.skipIf(skipBackend(backend))('expires on the timer, and refuses an approval after expiry', async () => {
    const a = (
      await requestApproval(app.rest, { evidence_package: uniquePackage(`exp-a-${backend}`), approvers: ['alice'], expires_in: 1 })
    ).body;
    const b = (
      await requestApproval(app.rest, { evidence_package: uniquePackage(`exp-b-${backend}`), approvers: ['alice'], expires_in: 1 })
    ).body;
    await new Promise((r) => setTimeout(r, 1100));
    const late = await decide(app.rest, b.workflow_id, { approver: 'alice', decision: 'approve' }); // may beat the timer
    expect([late.status, late.body.code]).toEqual([409, 'workflow_closed']);
    for (const id of [a.workflow_id, b.workflow_id]) {
      await expect.poll(async () => (await app.rest.inject(`/api/v1/workflows/${id}/status`)).json().status).toBe('failed');
      expect((await app.rest.inject(`/api/v1/workflows/${id}/status`)).json().error_message).toMatch(/^approval expired at/);
    }
  });

  it.skipIf(skipBackend(backend))('lets concurrent approvals trigger exactly one signature', async () => {
    const approvers = Array.from({ length: 8 }, (_, i) => `approver-${i}`);
    const { body } = await requestApproval(app.rest, { evidence_package: uniquePackage(`race-${backend}`), approvers, quorum: 3 });
    const results = await Promise.all(approvers.map((approver) => decide(app.rest, body.workflow_id, { approver, decision: 'approve' })));
    // every decision either counted (before the quorum) or found the workflow closed
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
    expect(results.every((r) => r.status === 200 || r.body.code === 'workflow_closed')).toBe(true);
    const status = (await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/status`)).json();
    expect(status.status).toBe('completed');
    expect(status.receipt.approvals).toHaveLength(3);
    expect(status.approval_statuses.filter((s: { status: string }) => s.status === 'approved')).toHaveLength(3);
    const ev = (await app.rest.inject(`/api/v1/evidence/${status.evidence_package_hash}`)).json();
    expect(ev.workflow_ids).toEqual([body.workflow_id]);
  });

  it.skipIf(skipBackend(backend))('shows approval_statuses in the listing and rejects malformed requests', async () => {
    const { body } = await requestApproval(app.rest, { evidence_package: uniquePackage(`list-${backend}`), approvers: ['dana'] });
    const list = (await app.rest.inject('/api/v1/workflows?status_filter=pending&page_size=100')).json();
    const mine = list.workflows.find((w: { workflow_id: string }) => w.workflow_id === body.workflow_id);
    expect(mine).toMatchObject({
      workflow_type: 'approval_signing',
      quorum: 1,
      approval_statuses: [{ approver: 'dana', status: 'pending', timestamp: body.created_at, comment: null }],
    });
    const bad = [
      { evidence_package: uniquePackage('x'), approvers: [] },
      { evidence_package: uniquePackage('x'), approvers: ['a', 'a'] },
      { evidence_package: uniquePackage('x'), approvers: ['a'], quorum: 0 },
      { evidence_package: uniquePackage('x'), approvers: ['a'], expires_in: 0 },
    ];
    for (const payload of bad) expect((await requestApproval(app.rest, payload)).status, JSON.stringify(payload)).toBe(400);
    expect((await requestApproval(app.rest, { evidence_package: uniquePackage('x'), approvers: ['a'], quorum: 2 })).body.field).toBe(
      'quorum',
    );
    expect((await requestApproval(app.rest, { evidence_package: { spec_version: 'x' }, approvers: ['a'] })).status).toBe(422);
    expect((await decide(app.rest, '0b0e7a53-4a0c-4a57-9d53-0f5fd0f5a1a1', { approver: 'a', decision: 'approve' })).status).toBe(404);
    expect((await decide(app.rest, body.workflow_id, { approver: 'dana', decision: 'maybe' })).status).toBe(400);
  });
});
