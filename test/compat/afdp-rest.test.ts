/**
 * AFDP's REST clients against this service, over real HTTP, built from AFDP's published artifacts
 * (test/fixtures/afdp): its routes (server.rs), documented statuses and response DTOs (handlers.rs,
 * models.rs: every response must deserialize as AFDP's Rust type would), its example scripts' bodies
 * and steps, and its error contract.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afdpResponses, afdpRoutes, exampleScriptBody, rustTypes, serdeMismatches } from '../support/afdp.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';
import { startRekorServer, type RekorServer } from '../support/rekor-server.js';

const models = rustTypes('rest/models.rs');
type Json = Record<string, any>;

/** A client as AFDP's scripts and Python tester are: JSON in, `Accept: application/json`. */
function afdpClient(base: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, text, json: (type.includes('json') ? JSON.parse(text) : undefined) as Json };
  };
}

/** Where a body breaks AFDP's Rust DTO of that name ([] when an AFDP client parses it). */
const asAfdp = (dto: string, body: unknown) => serdeMismatches(dto, body, models);

async function listeningApp(env: Record<string, string> = {}): Promise<{ app: TestApp; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // the embedded log's URL in receipts is this service's public URL: here, where it listens
  const app = await startTestApp({ NOTARY_PUBLIC_URL: base, ...env });
  await app.rest.listen({ host: '127.0.0.1', port });
  return { app, base };
}

describe('AFDP REST clients against this service (embedded log)', () => {
  let app: TestApp;
  let call: ReturnType<typeof afdpClient>;
  beforeAll(async () => {
    const started = await listeningApp();
    app = started.app;
    call = afdpClient(started.base);
  });
  afterAll(async () => app?.close());

  it("serves every route of AFDP's server.rs with the status its handlers.rs documents, in bodies AFDP's DTOs parse", async () => {
    const signed = await call('POST', '/api/v1/evidence/sign', exampleScriptBody('model-deployment.sh'));
    const bodies: Record<string, unknown> = {
      '/api/v1/evidence/sign': exampleScriptBody('model-deployment.sh', '2025-07-23T10:05:00Z'),
      '/api/v1/evidence/sign/approval': exampleScriptBody('approval-workflow.sh'),
      '/api/v1/evidence/sign/batch': exampleScriptBody('batch-signing.sh'),
      '/api/v1/evidence/validate': {
        evidence_package: exampleScriptBody('model-deployment.sh').evidence_package,
        signature: signed.json.receipt.signature_b64,
      },
    };
    const documented = afdpResponses();
    const routes = afdpRoutes();
    expect(routes).toHaveLength(10);
    for (const route of routes) {
      const path = route.path.replace(':workflow_id', signed.json.workflow_id);
      const res = await call(route.method, path, bodies[route.path]);
      const doc = documented.find((d) => d.method === route.method && d.path === route.path.replace(':workflow_id', '{workflow_id}'));
      expect(res.status, `${route.method} ${route.path}`).toBe(doc?.status ?? 200);
      if (doc?.body) expect(asAfdp(doc.body, res.json), `${route.method} ${route.path} as ${doc.body}`).toEqual([]);
    }
  });

  it("answers /health as AFDP's integration test asserts", async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('healthy');
    expect(typeof res.json.version).toBe('string');
    expect(Number.isNaN(Date.parse(res.json.timestamp))).toBe(false);
  });

  it('runs examples/rest-api/model-deployment.sh: sign, status, receipt, validate with the bare signature', async () => {
    const payload = exampleScriptBody('model-deployment.sh', '2025-07-23T11:00:00Z');
    const signed = await call('POST', '/api/v1/evidence/sign', payload);
    expect(signed.status).toBe(200);
    expect(asAfdp('SignEvidenceResponse', signed.json)).toEqual([]);
    expect(signed.json.status).toBe('completed');
    const id = signed.json.workflow_id;
    const status = await call('GET', `/api/v1/workflows/${id}/status`);
    expect(asAfdp('WorkflowStatusResponse', status.json)).toEqual([]);
    expect(status.json).toMatchObject({ workflow_id: id, status: 'completed' });
    const receipt = (await call('GET', `/api/v1/workflows/${id}/receipt`)).json;
    expect(asAfdp('NotarizationReceiptDto', receipt)).toEqual([]);
    expect(receipt.evidence_package_hash).toBe(signed.json.receipt.evidence_package_hash);
    const valid = await call('POST', '/api/v1/evidence/validate', {
      evidence_package: payload.evidence_package,
      signature: receipt.signature_b64,
    });
    expect(valid.status).toBe(200);
    expect(asAfdp('ValidateEvidenceResponse', valid.json)).toEqual([]);
    expect(valid.json.is_valid).toBe(true);
    // a signature this notary never issued for the package: a verdict, not an error
    const forged = await call('POST', '/api/v1/evidence/validate', {
      evidence_package: payload.evidence_package,
      signature: Buffer.from('forged').toString('base64'),
    });
    expect([forged.status, forged.json.is_valid]).toEqual([200, false]);
    const other = await call('POST', '/api/v1/evidence/validate', {
      evidence_package: { ...(payload.evidence_package as Json), event_type: 'model.deployment.rolled_back' },
      signature: receipt.signature_b64,
    });
    expect([other.status, other.json.is_valid]).toEqual([200, false]);
  });

  it('runs examples/rest-api/approval-workflow.sh: pending approval with dated statuses, listed as pending', async () => {
    const started = await call('POST', '/api/v1/evidence/sign/approval', exampleScriptBody('approval-workflow.sh', '2025-07-23T12:00:00Z'));
    expect(started.status).toBe(200);
    expect(asAfdp('SignEvidenceWithApprovalResponse', started.json)).toEqual([]);
    expect(started.json.status).toBe('pending');
    expect(started.json.approval_statuses.map((s: Json) => `${s.approver}: ${s.status}`)).toEqual([
      'security-lead@caiatech.com: pending',
      'compliance-officer@caiatech.com: pending',
      'ml-architect@caiatech.com: pending',
    ]);
    const id = started.json.workflow_id;
    expect(asAfdp('WorkflowStatusResponse', (await call('GET', `/api/v1/workflows/${id}/status`)).json)).toEqual([]);
    const pending = await call('GET', '/api/v1/workflows?status_filter=pending');
    expect(asAfdp('ListWorkflowsResponse', pending.json)).toEqual([]);
    const row = pending.json.workflows.find((w: Json) => w.workflow_id === id);
    expect(row).toMatchObject({
      workflow_type: 'approval_signing',
      event_type: 'model.deployment.production.approval_required',
      actor_id: 'developer@caiatech.com',
    });
    expect(pending.json.total_count).toBeGreaterThanOrEqual(1);
  });

  it('runs examples/rest-api/batch-signing.sh: every package completed, each with its own workflow and receipt', async () => {
    const payload = exampleScriptBody('batch-signing.sh', '2025-07-23T13:00:00Z');
    const batch = await call('POST', '/api/v1/evidence/sign/batch', payload);
    expect(batch.status).toBe(200);
    expect(asAfdp('BatchSignResponse', batch.json)).toEqual([]);
    const results: Json[] = batch.json.results;
    // the script counts `[.results[] | select(.status == "completed")] | length`
    expect(results.filter((r) => r.status === 'completed')).toHaveLength((payload.evidence_packages as unknown[]).length);
    expect((await call('GET', `/api/v1/workflows/${batch.json.batch_workflow_id}/status`)).json.status).toBe('completed');
    for (const r of results) {
      expect((await call('GET', `/api/v1/workflows/${r.workflow_id}/status`)).json.status).toBe('completed');
      expect((await call('GET', `/api/v1/workflows/${r.workflow_id}/receipt`)).json.rekor_log_id).toBe(r.receipt.rekor_log_id);
    }
    const recent = await call('GET', '/api/v1/workflows?page_size=10');
    expect(asAfdp('ListWorkflowsResponse', recent.json)).toEqual([]);
    const batchRow = recent.json.workflows.find((w: Json) => w.workflow_id === batch.json.batch_workflow_id);
    expect(batchRow).toMatchObject({ workflow_type: 'batch_signing', event_type: '', actor_id: '' });
    const itemRow = recent.json.workflows.find((w: Json) => w.workflow_id === results[4]!.workflow_id);
    expect(itemRow).toMatchObject({
      workflow_type: 'simple_signing',
      event_type: 'compliance.scan.completed',
      actor_id: 'compliance-scanner-v1',
    });
  });

  it('counts total_count over all pages, not the page', async () => {
    const all = (await call('GET', '/api/v1/workflows?page_size=100')).json;
    const page = (await call('GET', '/api/v1/workflows?page_size=2')).json;
    expect(page.workflows).toHaveLength(2);
    expect(page.total_count).toBe(all.workflows.length);
    expect(page.total_count).toBeGreaterThan(2);
    const completed = (await call('GET', '/api/v1/workflows?page_size=1&status_filter=completed')).json;
    expect(completed.total_count).toBe(all.workflows.filter((w: Json) => w.status === 'completed').length);
  });

  it("locates a receipt's entry with Rekor's API: GET {rekor_server_url}/api/v1/log/entries/{rekor_log_id}", async () => {
    const { receipt } = (await call('POST', '/api/v1/evidence/sign', exampleScriptBody('model-deployment.sh', '2025-07-23T14:00:00Z')))
      .json;
    const res = await fetch(`${receipt.rekor_server_url}/api/v1/log/entries/${receipt.rekor_log_id}`);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Json;
    expect(Object.keys(entries)).toEqual([receipt.rekor_log_id]);
    expect(entries[receipt.rekor_log_id]).toMatchObject({
      body: receipt.rekor_entry_body,
      logIndex: receipt.log_index,
      integratedTime: receipt.integrated_time,
      logID: receipt.transparency_log_id,
    });
    const trust = (await call('GET', '/api/v1/trust-root')).json;
    expect(receipt.transparency_log_id).toBe(trust.transparency_log.log_id);
  });

  it("answers errors with AFDP's ErrorResponse members, as application/json when that is all the client accepts", async () => {
    const bad = {
      evidence_package: { ...(exampleScriptBody('model-deployment.sh').evidence_package as Json), timestamp_utc: 'yesterday' },
    };
    const json = await call('POST', '/api/v1/evidence/sign', bad);
    expect(json.status).toBe(422);
    expect(json.type).toMatch(/^application\/json/);
    expect(asAfdp('ErrorResponse', json.json)).toEqual([]);
    expect(json.json).toMatchObject({ status: 422, details: { code: 'validation_failed', field: 'evidence_package.timestamp_utc' } });
    expect(json.json.message).toBe(json.json.detail);
    for (const accept of ['application/problem+json', '*/*', 'application/json, application/problem+json']) {
      const problem = await call('POST', '/api/v1/evidence/sign', bad, { accept });
      expect(problem.type, accept).toMatch(/^application\/problem\+json/);
      expect(asAfdp('ErrorResponse', problem.json)).toEqual([]);
    }
    const missing = await call('GET', '/api/v1/workflows/no-such-workflow/status');
    expect([missing.status, missing.json.details.code]).toEqual([404, 'not_found']);
    expect(missing.type).toMatch(/^application\/json/);
  });

  it('serves Swagger UI and the OpenAPI document where AFDP does', async () => {
    const ui = await call('GET', '/swagger-ui', undefined, { accept: 'text/html' });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui-bundle.js');
    const doc = await call('GET', '/api-docs/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    for (const route of afdpRoutes().filter((r) => r.path.startsWith('/api/v1') || r.path === '/health')) {
      expect(
        doc.json.paths[route.path.replace(':workflow_id', '{id}')]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });
});

describe('AFDP REST clients against this service anchoring in Rekor', () => {
  let rekor: RekorServer;
  let app: TestApp;
  let call: ReturnType<typeof afdpClient>;
  beforeAll(async () => {
    rekor = await startRekorServer({ indexOffset: 5000 });
    const keyFile = join(tempDir(), 'rekor.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    const started = await listeningApp({ REKOR_URL: rekor.url, REKOR_PUBLIC_KEY_FILE: keyFile });
    app = started.app;
    call = afdpClient(started.base);
  });
  afterAll(async () => {
    await app?.close();
    await rekor?.close();
  });

  it("gives a rekor_log_id that Rekor's GET /api/v1/log/entries/{entryUUID} finds at rekor_server_url", async () => {
    const signed = await call('POST', '/api/v1/evidence/sign', exampleScriptBody('model-deployment.sh', '2025-07-23T15:00:00Z'));
    expect(asAfdp('SignEvidenceResponse', signed.json)).toEqual([]);
    const { receipt } = signed.json;
    expect(receipt.rekor_server_url).toBe(rekor.url);
    const res = await fetch(`${receipt.rekor_server_url}/api/v1/log/entries/${receipt.rekor_log_id}`);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Json;
    const [uuid] = Object.keys(entries);
    expect(uuid).toBe(receipt.rekor_log_id);
    expect(entries[uuid!]).toMatchObject({
      body: receipt.rekor_entry_body,
      logIndex: receipt.log_index,
      logID: receipt.transparency_log_id,
    });
    expect(receipt.log_index).toBeGreaterThanOrEqual(5000);
  });
});
