import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectNotary, decodeRpcStatus, startGrpcServer, toProtoPackage, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openGrpcDoor } from '../support/grpc-app.js';
import { uniquePackage } from '../support/records.js';

type Server = { port: number; close(graceMs?: number): Promise<void> };
const hashOf = (pkg: unknown) => createHash('sha256').update(canonicalize(pkg)!).digest('hex');

/** Approval and batch workflows through the gRPC door, decisions over REST, on the real app (embedded PostgreSQL). */
describe('gRPC door: approval and batch workflows', () => {
  let app: TestApp;
  const servers: Server[] = [];
  const clients: NotaryGrpcClient[] = [];
  // the app's own door; without workflows, the bare door an embedder may run (no workflow service)
  const start = async (withWorkflows: boolean) => {
    const s = withWorkflows
      ? await openGrpcDoor(app)
      : await startGrpcServer({ notary: app.notary, logger: app.rest.log as never, port: 0, host: '127.0.0.1' });
    servers.push(s);
    const c = connectNotary(`127.0.0.1:${s.port}`);
    clients.push(c);
    return c;
  };
  let client: NotaryGrpcClient;
  beforeAll(async () => {
    app = await startTestApp();
    client = await start(true);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(servers.map((s) => s.close(500)));
    await app?.close();
  });

  const decide = (id: string, approver: string, comment?: string) =>
    app.rest.inject({
      method: 'POST',
      url: `/api/v1/workflows/${id}/approvals`,
      payload: { approver, decision: 'approve', ...(comment && { comment }) },
    });

  it('requests approval over gRPC, is approved over REST, then shows completed with a receipt that validates', async () => {
    const started = new Date();
    const pkg = uniquePackage('grpc-approval');
    const asked = await client.unary('SignEvidenceWithApproval', {
      evidence_package: toProtoPackage(pkg),
      approvers: ['alice@example.com', 'bob@example.com'],
      quorum: 2,
      expires_in_seconds: 3600,
    });
    expect(asked).toMatchObject({
      status: 'WORKFLOW_STATUS_PENDING',
      quorum: 2,
      approval_statuses: [
        { approver: 'alice@example.com', status: 'APPROVAL_STATE_PENDING' },
        { approver: 'bob@example.com', status: 'APPROVAL_STATE_PENDING' },
      ],
    });
    expect(Number(asked.expires_at.seconds) - started.getTime() / 1000).toBeGreaterThan(3500);
    const id: string = asked.workflow_id;
    expect(await client.unary('GetNotarizationReceipt', { workflow_id: id })).toEqual({ found: false });

    expect((await decide(id, 'alice@example.com', 'looks right')).statusCode).toBe(200);
    const half = await client.unary('GetWorkflowStatus', { workflow_id: id });
    expect(half).toMatchObject({
      workflow_type: 'approval_signing',
      status: 'WORKFLOW_STATUS_PENDING',
      evidence_package_hash: hashOf(pkg),
      quorum: 2,
    });
    expect(half.approval_statuses[0]).toMatchObject({
      approver: 'alice@example.com',
      status: 'APPROVAL_STATE_APPROVED',
      comment: 'looks right',
    });
    expect(Number(half.approval_statuses[0].timestamp.seconds)).toBeGreaterThanOrEqual(Math.floor(started.getTime() / 1000));
    expect(half.approval_statuses[1]).toMatchObject({ approver: 'bob@example.com', status: 'APPROVAL_STATE_PENDING' });

    const last = await decide(id, 'bob@example.com');
    expect(last.json()).toMatchObject({ status: 'completed' });
    const done = await client.unary('GetWorkflowStatus', { workflow_id: id });
    expect(done).toMatchObject({
      status: 'WORKFLOW_STATUS_COMPLETED',
      approval_statuses: [{ status: 'APPROVAL_STATE_APPROVED' }, { status: 'APPROVAL_STATE_APPROVED' }],
    });
    expect(done.completed_at).toBeDefined();

    const got = await client.unary('GetNotarizationReceipt', { workflow_id: id });
    expect(got.found).toBe(true);
    expect(got.receipt).toMatchObject({ workflow_id: id, evidence_package_hash: hashOf(pkg) });
    const check = await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(pkg), receipt: got.receipt });
    expect(check).toMatchObject({ is_valid: true, validation_result: { signature_valid: true, evidence_hash_valid: true } });

    const listed = await client.unary('ListWorkflows', { start_time: { seconds: String(Math.floor(started.getTime() / 1000) - 1) } });
    const row = listed.workflows.find((w: { workflow_id: string }) => w.workflow_id === id);
    expect(row).toMatchObject({
      workflow_type: 'approval_signing',
      status: 'WORKFLOW_STATUS_COMPLETED',
      approval_statuses: [{ approver: 'alice@example.com' }, { approver: 'bob@example.com' }],
    });
  });

  it('takes quorum 0 as "all approvers" and refuses bad approval requests with INVALID_ARGUMENT on the field', async () => {
    const all = await client.unary('SignEvidenceWithApproval', {
      evidence_package: toProtoPackage(uniquePackage('grpc-approval-all')),
      approvers: ['a', 'b', 'c'],
    });
    expect(all).toMatchObject({ status: 'WORKFLOW_STATUS_PENDING', quorum: 3 });
    const cases: [object, string][] = [
      [{ evidence_package: toProtoPackage(uniquePackage('q')), approvers: ['a'], quorum: 2 }, 'quorum'],
      [{ evidence_package: toProtoPackage(uniquePackage('n')), approvers: [] }, 'approvers'],
      [{ approvers: ['a'] }, 'evidence_package'],
    ];
    for (const [request, field] of cases) {
      const err = await client.unary('SignEvidenceWithApproval', request).catch((e) => e);
      expect(err.code, field).toBe(3);
      const status = decodeRpcStatus(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
      expect(
        status.details.find((d) => d.type === 'google.rpc.BadRequest'),
        field,
      ).toMatchObject({ field_violations: [{ field }] });
    }
  });

  it('canonicalizes each package once (the core also applies the per-package size bound), for approvals and batches', async () => {
    // 1000 artifacts of ~1.2 KB: under the 4 MiB message bound, over the 1 MiB per-package bound
    const oversize = {
      ...toProtoPackage(uniquePackage('grpc-wf-big')),
      artifacts: Array.from({ length: 1000 }, (_, i) => ({ name: `${i}-${'n'.repeat(1200)}`, hash_sha256: 'a'.repeat(64) })),
    };
    const prepare = vi.spyOn(app.notary, 'prepare'); // counts the calls; the real method runs
    try {
      await client.unary('SignEvidenceWithApproval', { evidence_package: toProtoPackage(uniquePackage('grpc-wf-once')), approvers: ['a'] });
      expect(prepare).toHaveBeenCalledTimes(1);
      const big = await client.unary('SignEvidenceWithApproval', { evidence_package: oversize, approvers: ['a'] }).catch((e) => e);
      expect(big.code).toBe(3);
      expect(decodeRpcStatus(big.metadata.get('grpc-status-details-bin')[0] as Buffer).details[0]).toMatchObject({
        reason: 'PAYLOAD_TOO_LARGE',
      });
      expect(prepare).toHaveBeenCalledTimes(2);

      prepare.mockClear();
      const res = await client.unary('SignEvidenceBatch', {
        evidence_packages: [toProtoPackage(uniquePackage('grpc-wf-once-1')), oversize, toProtoPackage(uniquePackage('grpc-wf-once-2'))],
      });
      expect(prepare).toHaveBeenCalledTimes(3); // items are signed from the stored canonical bytes, not prepared again
      expect(res).toMatchObject({ succeeded_count: 2, failed_count: 1 });
      const item = decodeRpcStatus(res.results[1].error);
      expect(item.code).toBe(3);
      expect(item.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'google.rpc.ErrorInfo', reason: 'PAYLOAD_TOO_LARGE' }),
          expect.objectContaining({
            type: 'google.rpc.BadRequest',
            field_violations: [expect.objectContaining({ field: 'evidence_packages[1]' })],
          }),
        ]),
      );
    } finally {
      prepare.mockRestore();
    }
  });

  it('signs a batch as a stored batch workflow: per-item results, a bad package fails alone', async () => {
    const good = [uniquePackage('grpc-wf-batch-1'), uniquePackage('grpc-wf-batch-2')];
    const invalid = { ...toProtoPackage(uniquePackage('grpc-wf-batch-bad')), spec_version: 'one' };
    // fails in the door (the proto does not convert), not in the core
    const unreadable = { ...toProtoPackage(uniquePackage('grpc-wf-batch-ts')), timestamp_utc_rfc3339: '2024-01-23T14:30:00Z' };
    const res = await client.unary('SignEvidenceBatch', {
      evidence_packages: [toProtoPackage(good[0]!), invalid, toProtoPackage(good[1]!), unreadable],
    });
    expect(res).toMatchObject({ status: 'WORKFLOW_STATUS_COMPLETED', succeeded_count: 2, failed_count: 2, pending_count: 0 });
    expect(res.results.map((r: { status: string }) => r.status)).toEqual([
      'WORKFLOW_STATUS_COMPLETED',
      'WORKFLOW_STATUS_FAILED',
      'WORKFLOW_STATUS_COMPLETED',
      'WORKFLOW_STATUS_FAILED',
    ]);
    expect(res.results[1].error).toMatchObject({ code: 3, message: expect.stringContaining('evidence_packages[1].spec_version') });
    expect(res.results[3].error).toMatchObject({ code: 3, message: expect.stringContaining('evidence_packages[3].timestamp_utc_rfc3339') });
    expect(res.results[0].receipt.evidence_package_hash).toBe(hashOf(good[0]));

    const id: string = res.batch_workflow_id;
    expect(await client.unary('GetWorkflowStatus', { workflow_id: id })).toMatchObject({
      workflow_id: id,
      workflow_type: 'batch_signing',
      status: 'WORKFLOW_STATUS_COMPLETED',
      approval_statuses: [],
    });
    const stored = (await app.rest.inject(`/api/v1/workflows/${id}/status`)).json();
    expect(stored.batch).toMatchObject({ total: 4, succeeded: 2, failed: 2, pending: 0 });
    expect(stored.batch.results.map((r: { workflow_id: string | null }) => r.workflow_id)).toEqual([
      res.results[0].workflow_id,
      '',
      res.results[2].workflow_id,
      '',
    ]);
    // each signed item is its own workflow with its own receipt
    const item = await client.unary('GetNotarizationReceipt', { workflow_id: res.results[2].workflow_id });
    expect(item).toEqual({ found: true, receipt: res.results[2].receipt });
  });

  it('answers FAILED_PRECONDITION for approval and batch when the notary runs without workflows', async () => {
    const bare = await start(false);
    const pkg = toProtoPackage(uniquePackage('grpc-no-workflows'));
    for (const [method, request] of [
      ['SignEvidenceWithApproval', { evidence_package: pkg, approvers: ['a'] }],
      ['SignEvidenceBatch', { evidence_packages: [pkg] }],
    ] as const) {
      const err = await bare.unary(method, request).catch((e) => e);
      expect(err, method).toMatchObject({ code: 9, details: 'approval workflows are not configured' });
      const status = decodeRpcStatus(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
      expect(status.details).toContainEqual(expect.objectContaining({ type: 'google.rpc.ErrorInfo', reason: 'WORKFLOWS_NOT_CONFIGURED' }));
    }
    // the rest of the door does not need them
    expect((await bare.unary('SignEvidence', { evidence_package: pkg })).status).toBe('WORKFLOW_STATUS_COMPLETED');
  });
});
