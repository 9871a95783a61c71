import { createHash, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, fixture, uniquePackage } from '../support/records.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { backends, backendEnv, skipBackend } from '../support/databases.js';
import { sign, validate } from '../support/http.js';

describe.each(backends)('REST notarization end to end (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    if (skipBackend(backend)) return;
    app = await startTestApp(await backendEnv(backend));
  });
  afterAll(async () => app?.close());

  it.skipIf(skipBackend(backend))('signs every fixture with a signature plain crypto.verify accepts over the RFC 8785 bytes', async () => {
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    for (const [name, pkg] of Object.entries(fixtures())) {
      const { status, body } = await sign(app.rest, pkg);
      expect(status, name).toBe(200);
      expect(body.status).toBe('completed');
      const canonical = Buffer.from(canonicalize(pkg)!, 'utf8');
      const r = body.receipt;
      expect(r.evidence_package_hash).toBe(createHash('sha256').update(canonical).digest('hex'));
      const key = trust.signing_keys.find((k: { version: number }) => k.version === r.key_version);
      expect(verify('sha256', canonical, key.public_key_pem, Buffer.from(r.signature_b64, 'base64'))).toBe(true);
      expect(Buffer.from(r.public_key_b64, 'base64').toString()).toBe(key.public_key_pem);
      expect(r).toMatchObject({
        anchoring: 'anchored',
        transparency_log_id: trust.transparency_log.log_id,
        rekor_server_url: trust.transparency_log.url,
      });
      expect(r.rekor_log_id).toBe(r.rekor_entry_uuid);
      expect(r.log_index).toBeTypeOf('number');
      expect(r.integrated_time).toBeGreaterThan(1.7e9);
    }
  });

  it.skipIf(skipBackend(backend))('serves what was stored: status, receipt, evidence, and 404 problems for unknown ids', async () => {
    const pkg = uniquePackage('stored');
    const { body } = await sign(app.rest, pkg);
    const status = (await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/status`)).json();
    expect(status).toMatchObject({
      workflow_id: body.workflow_id,
      status: 'completed',
      workflow_type: 'simple_signing',
      evidence_package_hash: body.receipt.evidence_package_hash,
    });
    expect((await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json()).toEqual(body.receipt);
    const ev = (await app.rest.inject(`/api/v1/evidence/${body.receipt.evidence_package_hash}`)).json();
    expect(ev.evidence_package).toEqual(pkg);
    expect(ev.workflow_ids).toEqual([body.workflow_id]);
    for (const url of [
      '/api/v1/workflows/0b0e7a53-4a0c-4a57-9d53-0f5fd0f5a1a1/status',
      '/api/v1/workflows/not-a-uuid/receipt',
      `/api/v1/evidence/${'0'.repeat(64)}`,
    ]) {
      const res = await app.rest.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('not_found');
    }
  });

  it.skipIf(skipBackend(backend))('finds evidence by artifact hash, event type and actor id', async () => {
    const pkg = uniquePackage('search');
    pkg.actor = { actor_type: 'ci_system', id: `actor-${backend}` };
    pkg.artifacts = [{ name: 'model.bin', hash_sha256: createHash('sha256').update(`search-${backend}`).digest('hex') }];
    const { body } = await sign(app.rest, pkg);
    const q = async (qs: string) =>
      (await app.rest.inject(`/api/v1/evidence?${qs}`))
        .json()
        .evidence.map((e: { evidence_package_hash: string }) => e.evidence_package_hash);
    expect(await q(`artifact_hash=${pkg.artifacts[0]!.hash_sha256}`)).toEqual([body.receipt.evidence_package_hash]);
    expect(await q(`actor_id=actor-${backend}&event_type=ai.model.deployment`)).toEqual([body.receipt.evidence_package_hash]);
    expect(await q(`actor_id=actor-${backend}&event_type=security.vulnerability.scan`)).toEqual([]);
    expect((await app.rest.inject('/api/v1/evidence?artifact_hash=XYZ')).statusCode).toBe(400);
    // by when it was stored: [start_time, end_time)
    const stored = (await app.rest.inject(`/api/v1/evidence/${body.receipt.evidence_package_hash}`)).json().created_at as string;
    const at = (ms: number) => encodeURIComponent(new Date(Date.parse(stored) + ms).toISOString());
    expect(await q(`actor_id=actor-${backend}&start_time=${at(0)}&end_time=${at(1)}`)).toEqual([body.receipt.evidence_package_hash]);
    expect(await q(`actor_id=actor-${backend}&start_time=${at(1)}`)).toEqual([]);
    expect(await q(`actor_id=actor-${backend}&end_time=${at(0)}`)).toEqual([]);
    expect((await app.rest.inject('/api/v1/evidence?start_time=yesterday')).statusCode).toBe(400);
  });

  it.skipIf(skipBackend(backend))('lists workflows page by page with filters', async () => {
    const start = new Date().toISOString();
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await sign(app.rest, uniquePackage(`list-${i}`))).body.workflow_id);
    const seen: string[] = [];
    let token = '';
    do {
      const res = (
        await app.rest.inject(
          `/api/v1/workflows?page_size=3&status_filter=completed&start_time=${start}${token ? `&page_token=${token}` : ''}`,
        )
      ).json();
      seen.push(...res.workflows.map((w: { workflow_id: string }) => w.workflow_id));
      token = res.next_page_token ?? '';
    } while (token);
    expect(seen).toEqual([...made].reverse());
    expect((await app.rest.inject('/api/v1/workflows?status_filter=bogus')).statusCode).toBe(400);
    expect((await app.rest.inject('/api/v1/workflows?page_size=1000')).statusCode).toBe(400);
  });

  it.skipIf(skipBackend(backend))('validates genuine receipts and rejects tampered packages, signatures and proofs', async () => {
    const pkg = uniquePackage('validate');
    const { receipt } = (await sign(app.rest, pkg)).body;
    const ok = await validate(app.rest, pkg, receipt);
    expect(ok.body).toEqual({
      is_valid: true,
      validation_error: null,
      validation_result: { signature_valid: true, evidence_hash_valid: true, rekor_entry_valid: true, timestamp_valid: true, warnings: [] },
    });

    const tampered = structuredClone(pkg);
    tampered.metadata!.gpu_count = 9;
    const t = (await validate(app.rest, tampered, receipt)).body;
    expect(t.is_valid).toBe(false);
    expect(t.validation_result.evidence_hash_valid).toBe(false);

    const sig = Buffer.from(receipt.signature_b64, 'base64');
    sig[sig.length - 1] ^= 1;
    const s = (await validate(app.rest, pkg, { ...receipt, signature_b64: sig.toString('base64') })).body;
    expect(s.is_valid).toBe(false);
    expect(s.validation_result.signature_valid).toBe(false);

    const hashes = receipt.inclusion_proof.hashes.length ? ['0'.repeat(64), ...receipt.inclusion_proof.hashes.slice(1)] : [];
    const p = (
      await validate(app.rest, pkg, { ...receipt, inclusion_proof: { ...receipt.inclusion_proof, hashes, rootHash: 'ab'.repeat(32) } })
    ).body;
    expect(p.is_valid).toBe(false);
    expect(p.validation_result.rekor_entry_valid).toBe(false);

    const v = (await validate(app.rest, pkg, { ...receipt, key_version: 99 })).body;
    expect(v.validation_result.signature_valid).toBe(false);
  });

  it.skipIf(skipBackend(backend))('keeps old signatures verifiable after a key rotation', async () => {
    const before = (await sign(app.rest, uniquePackage('rot-1'))).body.receipt;
    const rotated = await app.signer.rotate();
    const after = (await sign(app.rest, uniquePackage('rot-2'))).body.receipt;
    expect(after.key_version).toBe(rotated.version);
    expect(before.key_version).toBeLessThan(rotated.version);
    expect((await validate(app.rest, uniquePackage('rot-1'), before)).body.is_valid).toBe(true);
    expect((await validate(app.rest, uniquePackage('rot-2'), after)).body.is_valid).toBe(true);
    const versions = (await app.rest.inject('/api/v1/trust-root')).json().signing_keys.map((k: { version: number }) => k.version);
    expect(versions).toEqual(expect.arrayContaining([before.key_version, after.key_version]));
  });

  it.skipIf(skipBackend(backend))('answers liveness and readiness', async () => {
    const health = (await app.rest.inject('/health')).json();
    expect(health).toEqual({ status: 'healthy', timestamp: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Math.abs(Date.parse(health.timestamp) - Date.now())).toBeLessThan(60_000);
    expect((await app.rest.inject('/ready')).statusCode).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app.close());

  it('gives the same receipt for the same key and body, and 422 for another body', async () => {
    const pkg = uniquePackage('idem');
    const first = await sign(app.rest, pkg, { 'idempotency-key': 'order-42' });
    const again = await sign(app.rest, pkg, { 'idempotency-key': 'order-42' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await sign(app.rest, uniquePackage('idem-other'), { 'idempotency-key': 'order-42' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_mismatch');
  });

  it('signs once when many identical requests race', async () => {
    const pkg = uniquePackage('idem-race');
    const results = await Promise.all(Array.from({ length: 25 }, () => sign(app.rest, pkg, { 'idempotency-key': 'race-1' })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.body.receipt.signature_b64)).size).toBe(1);
    const stored = (await app.rest.inject(`/api/v1/evidence/${results[0]!.body.receipt.evidence_package_hash}`)).json();
    expect(stored.workflow_ids).toHaveLength(1);
  });

  it('refuses a malformed key', async () => {
    const res = await sign(app.rest, fixture(), { 'idempotency-key': 'x'.repeat(300) });
    expect(res.status).toBe(400);
  });
});
