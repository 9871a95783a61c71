/**
 * An AFDP gRPC client, built from AFDP's own proto (test/fixtures/afdp/proto/notary.proto) as its
 * generated clients are: it knows none of our additions, reads proto3 defaults, and must get every
 * answer it expects from this server.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfc3339ToTimestamp, toProtoPackage } from '../../src/api/grpc/index.js';
import { openGrpcDoor, type ListeningDoor } from '../support/grpc-app.js';
import type { EvidencePackage } from '../../src/core/evidence.js';
import { AFDP_DIR, exampleScriptBody } from '../support/afdp.js';
import { startTestApp, type TestApp } from '../support/app.js';

type Json = Record<string, any>;
type AfdpClient = grpc.Client & Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: Json) => void) => void>;

function afdpClient(address: string): AfdpClient {
  const definition = protoLoader.loadSync('notary.proto', {
    includeDirs: [join(AFDP_DIR, 'proto')],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
    oneofs: true,
  });
  const Service = grpc.loadPackageDefinition(definition).afdp as unknown as {
    notary: { v1: { NotaryService: grpc.ServiceClientConstructor } };
  };
  return new Service.notary.v1.NotaryService(address, grpc.credentials.createInsecure()) as unknown as AfdpClient;
}

const rpc = (client: AfdpClient, method: string, req: unknown): Promise<Json> =>
  new Promise((resolve, reject) => client[method]!(req, (err, res) => (err ? reject(err) : resolve(res))));

/** An AFDP package as its proto carries it: a Timestamp and a Struct, nothing of ours (no timestamp_utc_rfc3339). */
function afdpPackage(pkg: EvidencePackage): Json {
  const { timestamp_utc_rfc3339: _, ...msg } = toProtoPackage(pkg) as Json;
  return { ...msg, timestamp_utc: rfc3339ToTimestamp(pkg.timestamp_utc) };
}

const seconds = (t: Json | null | undefined) => Number(t?.seconds ?? 0);

describe("an AFDP gRPC client (AFDP's own proto) against this server", () => {
  let app: TestApp;
  let server: ListeningDoor;
  let client: AfdpClient;
  beforeAll(async () => {
    app = await startTestApp();
    server = await openGrpcDoor(app);
    client = afdpClient(`127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    client?.close();
    await server?.close(1000);
    await app?.close();
  });

  it('signs, reports status and receipt, and validates by signature (model-deployment.sh over gRPC)', async () => {
    const pkg = exampleScriptBody('model-deployment.sh', '2025-07-23T10:00:00Z').evidence_package as EvidencePackage;
    const signed = await rpc(client, 'SignEvidence', { evidence_package: afdpPackage(pkg) });
    expect(signed.status).toBe('WORKFLOW_STATUS_COMPLETED');
    const r = signed.receipt;
    for (const f of ['evidence_package_hash', 'rekor_log_id', 'rekor_server_url', 'signature_b64', 'public_key_b64'])
      expect(r[f], f).not.toBe('');
    expect(Number(r.integrated_time)).toBeGreaterThan(1.7e9);
    // rekor_log_id is the entry's UUID: the embedded log's Rekor API finds it
    const entry = (await app.rest.inject(`/api/v1/log/entries/${r.rekor_log_id}`)).json();
    expect(entry[r.rekor_log_id].logIndex).toBe(Number(r.log_index));

    const status = await rpc(client, 'GetWorkflowStatus', { workflow_id: signed.workflow_id });
    expect(status).toMatchObject({ workflow_id: signed.workflow_id, status: 'WORKFLOW_STATUS_COMPLETED', error_message: '' });
    expect(seconds(status.created_at)).toBeGreaterThan(0);
    expect(await rpc(client, 'GetNotarizationReceipt', { workflow_id: signed.workflow_id })).toMatchObject({
      found: true,
      receipt: { rekor_log_id: r.rekor_log_id },
    });

    const valid = await rpc(client, 'ValidateEvidence', { evidence_package: afdpPackage(pkg), signature: r.signature_b64 });
    expect(valid).toMatchObject({
      is_valid: true,
      validation_result: { signature_valid: true, evidence_hash_valid: true, rekor_entry_valid: true },
    });
    const forged = await rpc(client, 'ValidateEvidence', { evidence_package: afdpPackage(pkg), signature: 'Zm9yZ2Vk' });
    expect(forged.is_valid).toBe(false);
  });

  it('starts an approval with every status dated, and batch-signs item by item (approval-workflow.sh, batch-signing.sh)', async () => {
    const approval = exampleScriptBody('approval-workflow.sh', '2025-07-23T10:00:00Z');
    const started = await rpc(client, 'SignEvidenceWithApproval', {
      evidence_package: afdpPackage(approval.evidence_package as EvidencePackage),
      approvers: approval.approvers,
    });
    expect(started.status).toBe('WORKFLOW_STATUS_PENDING');
    expect(started.approval_statuses.map((s: Json) => s.status)).toEqual([
      'APPROVAL_STATE_PENDING',
      'APPROVAL_STATE_PENDING',
      'APPROVAL_STATE_PENDING',
    ]);
    for (const s of started.approval_statuses) expect(seconds(s.timestamp), s.approver).toBeGreaterThan(1.7e9);

    const batch = exampleScriptBody('batch-signing.sh', '2025-07-23T10:00:00Z');
    const packages = (batch.evidence_packages as EvidencePackage[]).map(afdpPackage);
    const signed = await rpc(client, 'SignEvidenceBatch', { evidence_packages: packages });
    expect(signed.batch_workflow_id).not.toBe('');
    expect(signed.status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect(signed.results.map((x: Json) => x.status)).toEqual(packages.map(() => 'WORKFLOW_STATUS_COMPLETED'));
    for (const x of signed.results) expect(x.receipt.rekor_log_id).not.toBe('');
  });

  it("lists workflows with AFDP's type names, event type, actor and a real total_count", async () => {
    const first = await rpc(client, 'ListWorkflows', { page_size: 2 });
    const all = await rpc(client, 'ListWorkflows', { page_size: 100 });
    expect(first.workflows).toHaveLength(2);
    expect(first.next_page_token).not.toBe('');
    expect(first.total_count).toBe(all.workflows.length);
    expect(new Set(all.workflows.map((w: Json) => w.workflow_type))).toEqual(
      new Set(['simple_signing', 'approval_signing', 'batch_signing']),
    );
    const simple = all.workflows.find((w: Json) => w.workflow_type === 'simple_signing' && w.event_type === 'model.deployment.completed');
    expect(simple).toMatchObject({ actor_id: 'deployer@caiatech.com', status: 'WORKFLOW_STATUS_COMPLETED' });
    const pending = await rpc(client, 'ListWorkflows', { page_size: 100, status_filter: 'WORKFLOW_STATUS_PENDING' });
    expect(pending.total_count).toBe(1);
  });

  it('answers HealthCheck with each dependency', async () => {
    const health = await rpc(client, 'HealthCheck', {});
    expect(health.status).toBe('healthy');
    expect(health.dependencies.map((d: Json) => d.name)).toEqual(['store', 'signer', 'transparency_log']);
    for (const d of health.dependencies) expect(d).toMatchObject({ healthy: true, error: '' });
    expect(Number(health.uptime_seconds)).toBeGreaterThanOrEqual(0);
  });
});
