/**
 * Attack 9 of issue #16: the REST approval route ignored Idempotency-Key and batch creation had none,
 * so a retried request created a second workflow. Now the same key and request give the same
 * workflow on every door (REST header, gRPC field; Pulsar uses the event id), and another request
 * under the same key is refused (422 / ALREADY_EXISTS), as for sign.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProtoPackage } from '../../src/api/grpc/index.js';
import { startGrpcTestApp, type GrpcTestApp } from '../support/grpc-app.js';
import { uniquePackage } from '../support/records.js';

describe('Idempotency-Key on approval and batch creation', () => {
  let t: GrpcTestApp;
  beforeAll(async () => {
    t = await startGrpcTestApp();
  });
  afterAll(async () => t?.close());

  const post = async (route: 'approval' | 'batch', payload: object, key?: string) => {
    const res = await t.app.rest.inject({
      method: 'POST',
      url: `/api/v1/evidence/sign/${route}`,
      payload,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
    return { status: res.statusCode, body: res.json(), replayed: res.headers['idempotent-replayed'] };
  };
  const workflowsOfType = async (type: string) => {
    const res = await t.app.rest.inject({ url: '/api/v1/workflows?page_size=100' });
    return (res.json().workflows as { workflow_type: string }[]).filter((w) => w.workflow_type === type).length;
  };

  it('REST approval: a retry under the same key answers with the first workflow, marked replayed; concurrent retries too', async () => {
    const body = { evidence_package: uniquePackage('idem-approval'), approvers: ['alice', 'bob'], quorum: 1 };
    const before = await workflowsOfType('approval_signing');
    const first = await post('approval', body, 'approval-key-1');
    expect(first.status).toBe(200);
    expect(first.replayed).toBeUndefined();
    const again = await Promise.all(Array.from({ length: 5 }, () => post('approval', body, 'approval-key-1')));
    for (const r of again) expect([r.status, r.body.workflow_id, r.replayed]).toEqual([200, first.body.workflow_id, 'true']);
    expect(await workflowsOfType('approval_signing')).toBe(before + 1);
  });

  it('REST approval: another request under the same key is 422 idempotency_mismatch; a malformed key is 400', async () => {
    const pkg = uniquePackage('idem-approval-2');
    expect((await post('approval', { evidence_package: pkg, approvers: ['alice'] }, 'approval-key-2')).status).toBe(200);
    for (const other of [
      { evidence_package: pkg, approvers: ['alice', 'mallory'] },
      { evidence_package: uniquePackage('idem-approval-2-other'), approvers: ['alice'] },
      { evidence_package: pkg, approvers: ['alice'], expires_in: 60 },
    ]) {
      const res = await post('approval', other, 'approval-key-2');
      expect([res.status, res.body.code]).toEqual([422, 'idempotency_mismatch']);
    }
    const bad = await post('approval', { evidence_package: pkg, approvers: ['alice'] }, 'spaces are not allowed');
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_request']);
  });

  it('REST batch: a retry gets the same batch and item workflows, nothing signed twice; another batch under the key is 422', async () => {
    const packages = [uniquePackage('idem-batch-a'), { spec_version: 'nope' }, uniquePackage('idem-batch-b')];
    const before = await workflowsOfType('batch_signing');
    const first = await post('batch', { evidence_packages: packages }, 'batch-key-1');
    expect(first.status).toBe(200);
    const again = await post('batch', { evidence_packages: packages }, 'batch-key-1');
    expect([again.status, again.body.batch_workflow_id, again.replayed]).toEqual([200, first.body.batch_workflow_id, 'true']);
    const ids = (b: { results: { workflow_id: string }[] }) => b.results.map((r) => r.workflow_id);
    expect(ids(again.body)).toEqual(ids(first.body));
    expect(ids(first.body).filter(Boolean)).toHaveLength(2);
    expect(await workflowsOfType('batch_signing')).toBe(before + 1);
    const other = await post('batch', { evidence_packages: packages.slice(0, 2) }, 'batch-key-1');
    expect([other.status, other.body.code]).toEqual([422, 'idempotency_mismatch']);
    // an approval key is not a batch key: the same key for another kind of workflow is refused
    const crossed = await post('approval', { evidence_package: uniquePackage('idem-cross'), approvers: ['x'] }, 'batch-key-1');
    expect([crossed.status, crossed.body.code]).toEqual([422, 'idempotency_mismatch']);
  });

  it('gRPC SignEvidenceWithApproval and SignEvidenceBatch: the same key replays, another request is ALREADY_EXISTS; keys are shared with REST', async () => {
    const pkg = uniquePackage('idem-grpc-approval');
    const req = { evidence_package: toProtoPackage(pkg), approvers: ['alice'], idempotency_key: 'grpc-approval-key' };
    const first = await t.client.unary('SignEvidenceWithApproval', req);
    const second = await t.client.unary('SignEvidenceWithApproval', req);
    expect([first.replayed, second.replayed, second.workflow_id]).toEqual([false, true, first.workflow_id]);
    const other = (await t.client
      .unary('SignEvidenceWithApproval', { ...req, approvers: ['bob'] })
      .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(other.code).toBe(grpc.status.ALREADY_EXISTS);
    // the REST door finds the same workflow under the same key
    const viaRest = await post('approval', { evidence_package: pkg, approvers: ['alice'] }, 'grpc-approval-key');
    expect([viaRest.body.workflow_id, viaRest.replayed]).toEqual([first.workflow_id, 'true']);

    const batch = { evidence_packages: [toProtoPackage(uniquePackage('idem-grpc-batch'))], idempotency_key: 'grpc-batch-key' };
    const b1 = await t.client.unary('SignEvidenceBatch', batch);
    const b2 = await t.client.unary('SignEvidenceBatch', batch);
    expect([b1.replayed, b2.replayed, b2.batch_workflow_id, b2.results[0].workflow_id]).toEqual([
      false,
      true,
      b1.batch_workflow_id,
      b1.results[0].workflow_id,
    ]);
    const b3 = (await t.client
      .unary('SignEvidenceBatch', { ...batch, evidence_packages: [toProtoPackage(uniquePackage('idem-grpc-batch-2'))] })
      .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(b3.code).toBe(grpc.status.ALREADY_EXISTS);
    const badKey = (await t.client
      .unary('SignEvidenceBatch', { ...batch, idempotency_key: 'new\nline' })
      .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(badKey.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});
