import { createHash, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, toProtoPackage, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { openGrpcDoor, type ListeningDoor } from '../support/grpc-app.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sign, validate } from '../support/http.js';
import { fixture, fixtures, uniquePackage } from '../support/records.js';

/** Every NotaryService RPC over a real loopback channel, against the real core (embedded PostgreSQL). */
describe('gRPC NotaryService end to end', () => {
  let app: TestApp;
  let server: ListeningDoor;
  let client: NotaryGrpcClient;
  beforeAll(async () => {
    app = await startTestApp();
    server = await openGrpcDoor(app);
    client = connectNotary(`127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    client?.close();
    await server?.close(1000);
    await app?.close();
  });

  it('gives every fixture the same evidence_package_hash as REST, with a signature crypto.verify accepts', async () => {
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    for (const [name, pkg] of Object.entries(fixtures())) {
      const res = await client.unary('SignEvidence', { evidence_package: toProtoPackage(pkg) });
      const canonical = Buffer.from(canonicalize(pkg)!, 'utf8');
      const hash = createHash('sha256').update(canonical).digest('hex');
      expect(res.status, name).toBe('WORKFLOW_STATUS_COMPLETED');
      expect(res.receipt.evidence_package_hash, name).toBe(hash);
      // the fixtures' timestamps travel as a Timestamp, not as the verbatim-text escape hatch
      expect(toProtoPackage(pkg).timestamp_utc, name).toBeDefined();
      const rest = await sign(app.rest, pkg);
      expect(rest.body.receipt.evidence_package_hash, name).toBe(hash);
      const key = trust.signing_keys.find((k: { version: number }) => k.version === res.receipt.key_version);
      expect(verify('sha256', canonical, key.public_key_pem, Buffer.from(res.receipt.signature_b64, 'base64'))).toBe(true);
      expect(res.receipt).toMatchObject({
        anchoring: 'ANCHORING_STATE_ANCHORED',
        transparency_log_id: trust.transparency_log.log_id,
        rekor_log_id: res.receipt.rekor_entry_uuid,
      });
      expect(Number(res.receipt.log_index)).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(res.receipt.bundle_json).mediaType).toContain('sigstore.bundle');
    }
  });

  it('round-trips Struct metadata exactly: nested objects, lists, numbers, booleans, nulls', async () => {
    const pkg = uniquePackage('struct');
    pkg.metadata = {
      nested: { deeper: { list: [1, 2.5, -0.001, 1e-7, 9007199254740991, 'x', null, true, false, [], {}, [[{ a: null }]]] } },
      zero: 0,
      negative: -42,
      big: 9007199254740991,
      tiny: 5e-324,
      empty_string: '',
      empty_obj: {},
      empty_list: [],
      nothing: null,
      yes: true,
      unicode: 'héllo ✓ \u2028 𝄞',
    };
    const res = await client.unary('SignEvidence', { evidence_package: toProtoPackage(pkg) });
    expect(res.receipt.evidence_package_hash).toBe(createHash('sha256').update(canonicalize(pkg)!).digest('hex'));
    const stored = (await app.rest.inject(`/api/v1/evidence/${res.receipt.evidence_package_hash}`)).json();
    expect(stored.evidence_package).toEqual(pkg);
  });

  it('validates a gRPC receipt over gRPC and over REST, and a REST receipt over gRPC', async () => {
    const pkg = uniquePackage('validate');
    const { receipt } = await client.unary('SignEvidence', { evidence_package: toProtoPackage(pkg) });
    const ok = await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(pkg), receipt });
    expect(ok).toMatchObject({
      is_valid: true,
      validation_result: { signature_valid: true, evidence_hash_valid: true, rekor_entry_valid: true, timestamp_valid: true },
    });
    const fetched = (await app.rest.inject(`/api/v1/workflows/${receipt.workflow_id}/receipt`)).json();
    expect((await validate(app.rest, pkg, fetched)).body.is_valid).toBe(true);

    const restPkg = { ...uniquePackage('validate-rest'), timestamp_utc: '2024-01-23T16:30:00+02:00' };
    const rest = (await sign(app.rest, restPkg)).body;
    const viaGrpc = await client.unary('GetNotarizationReceipt', { workflow_id: rest.workflow_id });
    expect(viaGrpc.found).toBe(true);
    expect(toProtoPackage(restPkg).timestamp_utc_rfc3339).toBe('2024-01-23T16:30:00+02:00');
    expect((await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(restPkg), receipt: viaGrpc.receipt })).is_valid).toBe(
      true,
    );

    const tampered = structuredClone(pkg);
    tampered.metadata!.gpu_count = 9;
    const bad = await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(tampered), receipt });
    expect(bad).toMatchObject({ is_valid: false, validation_result: { evidence_hash_valid: false } });
    expect(bad.validation_error).toMatch(/does not match/);
  });

  it('validates AFDP-style with only the signature, looking up the receipt it issued', async () => {
    const pkg = uniquePackage('afdp-signature');
    const { receipt } = await client.unary('SignEvidence', { evidence_package: toProtoPackage(pkg) });
    const ok = await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(pkg), signature: receipt.signature_b64 });
    expect(ok.is_valid).toBe(true);
    const sig = Buffer.from(receipt.signature_b64, 'base64');
    sig[sig.length - 1] ^= 1;
    const bad = await client.unary('ValidateEvidence', { evidence_package: toProtoPackage(pkg), signature: sig.toString('base64') });
    expect(bad).toMatchObject({ is_valid: false, validation_result: { signature_valid: false } });
  });

  it('serves workflow status, receipts and found=false for unknown workflows', async () => {
    const pkg = uniquePackage('status');
    const signed = await client.unary('SignEvidence', { evidence_package: toProtoPackage(pkg) });
    const status = await client.unary('GetWorkflowStatus', { workflow_id: signed.workflow_id });
    expect(status).toMatchObject({
      workflow_id: signed.workflow_id,
      status: 'WORKFLOW_STATUS_COMPLETED',
      workflow_type: 'simple_signing',
      evidence_package_hash: signed.receipt.evidence_package_hash,
    });
    expect(Number(status.created_at.seconds)).toBeGreaterThan(1.7e9);
    const got = await client.unary('GetNotarizationReceipt', { workflow_id: signed.workflow_id });
    expect(got).toEqual({ found: true, receipt: signed.receipt });
    expect(await client.unary('GetNotarizationReceipt', { workflow_id: '0b0e7a53-4a0c-4a57-9d53-0f5fd0f5a1a1' })).toEqual({ found: false });
  });

  it('lists workflows page by page with status and time filters, with event_type and actor_id', async () => {
    const start = new Date();
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage(`list-${i}`)) })).workflow_id);
    const seen: string[] = [];
    let page_token = '';
    do {
      const res = await client.unary('ListWorkflows', {
        page_size: 2,
        page_token,
        status_filter: 'WORKFLOW_STATUS_COMPLETED',
        start_time: { seconds: String(Math.floor(start.getTime() / 1000)), nanos: (start.getTime() % 1000) * 1e6 },
      });
      expect(res.workflows.length).toBeLessThanOrEqual(2);
      seen.push(...res.workflows.map((w: { workflow_id: string }) => w.workflow_id));
      if (res.workflows[0]) expect(res.workflows[0]).toMatchObject({ event_type: 'ai.model.deployment', actor_id: fixture().actor.id });
      page_token = res.next_page_token ?? '';
    } while (page_token);
    expect(seen).toEqual([...made].reverse());
    const none = await client.unary('ListWorkflows', {
      status_filter: 'WORKFLOW_STATUS_FAILED',
      start_time: { seconds: String(Math.floor(start.getTime() / 1000)) },
    });
    expect(none.workflows).toEqual([]);
  });

  it('signs a batch item by item: a bad package fails alone', async () => {
    const good = [uniquePackage('batch-1'), uniquePackage('batch-2')].map(toProtoPackage);
    const bad = { ...toProtoPackage(uniquePackage('batch-bad')), spec_version: 'one' };
    const res = await client.unary('SignEvidenceBatch', { evidence_packages: [good[0], bad, good[1]] });
    expect(res).toMatchObject({ status: 'WORKFLOW_STATUS_COMPLETED', succeeded_count: 2, failed_count: 1 });
    expect(res.results.map((r: { status: string }) => r.status)).toEqual([
      'WORKFLOW_STATUS_COMPLETED',
      'WORKFLOW_STATUS_FAILED',
      'WORKFLOW_STATUS_COMPLETED',
    ]);
    expect(res.results[1].error).toMatchObject({ code: 3, message: expect.stringContaining('evidence_packages[1].spec_version') });
    expect(res.results[0].receipt.evidence_package_hash).toBe(
      createHash('sha256')
        .update(canonicalize(uniquePackage('batch-1'))!)
        .digest('hex'),
    );
    // an artifact hash that is not SHA-256 hex is signed as given, as AFDP does, and named in warnings
    const odd = { ...toProtoPackage(uniquePackage('batch-odd')), artifacts: [{ name: 'x', hash_sha256: 'nothex' }] };
    const signed = await client.unary('SignEvidenceBatch', { evidence_packages: [odd] });
    expect(signed.results[0]).toMatchObject({
      status: 'WORKFLOW_STATUS_COMPLETED',
      warnings: [expect.stringContaining('evidence_packages[0].artifacts[0].hash_sha256')],
    });
    // the batch is a stored workflow now (was a correlation id only)
    expect(await client.unary('GetWorkflowStatus', { workflow_id: res.batch_workflow_id })).toMatchObject({
      workflow_type: 'batch_signing',
      status: 'WORKFLOW_STATUS_COMPLETED',
    });
  });

  it('honours the idempotency key: same receipt again, ALREADY_EXISTS for another package', async () => {
    const pkg = toProtoPackage(uniquePackage('idem'));
    const first = await client.unary('SignEvidence', { evidence_package: pkg, idempotency_key: 'grpc-order-1' });
    const again = await client.unary('SignEvidence', { evidence_package: pkg, idempotency_key: 'grpc-order-1' });
    expect(again).toEqual({ ...first, replayed: true });
    await expect(
      client.unary('SignEvidence', { evidence_package: toProtoPackage(uniquePackage('idem-2')), idempotency_key: 'grpc-order-1' }),
    ).rejects.toMatchObject({ code: 6 });
  });

  it('notarizes many packages on one stream, one response per request', async () => {
    const call = client.stream();
    const got: Record<string, any>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (r) => got.push(r));
      call.on('end', resolve);
      call.on('error', reject);
    });
    const n = 120; // more than the server's window: flow control must pause and resume reading
    for (let i = 0; i < n; i++) call.write({ evidence_package: toProtoPackage(uniquePackage(`stream-${i}`)), request_id: `r${i}` });
    call.write({ evidence_package: { spec_version: '1.0' }, request_id: 'bad' });
    call.end();
    await done;
    expect(got).toHaveLength(n + 1);
    expect(new Set(got.map((r) => r.sequence)).size).toBe(n + 1);
    const byId = new Map(got.map((r) => [r.request_id, r]));
    expect(byId.get('r7')!.result.receipt.evidence_package_hash).toBe(
      createHash('sha256')
        .update(canonicalize(uniquePackage('stream-7'))!)
        .digest('hex'),
    );
    expect(byId.get('bad')!.result).toMatchObject({ status: 'WORKFLOW_STATUS_FAILED', error: { code: 3 } });
  });

  it('answers the AFDP HealthCheck', async () => {
    const h = await client.unary('HealthCheck', {});
    // AFDP lists each dependency on its own
    expect(h.status).toBe('healthy');
    expect(h.dependencies.map((d: { name: string }) => d.name)).toEqual(['store', 'signer', 'transparency_log']);
    for (const d of h.dependencies) expect(d).toMatchObject({ healthy: true, error: '' });
    expect(h.version).toMatch(/^\d+\.\d+/);
  });

  // SignEvidenceWithApproval, and both RPCs without workflows: test/e2e/grpc-workflows.test.ts
});
