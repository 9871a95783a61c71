import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, skipBackend } from '../support/databases.js';
import { validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { startWorkflowApp, type WorkflowTestApp } from '../support/workflow-app.js';
import { signBatch } from '../support/workflow-http.js';

describe.each(backends)('batch signing over REST (%s)', (backend) => {
  let app: WorkflowTestApp;
  beforeAll(async () => {
    if (skipBackend(backend)) return;
    app = await startWorkflowApp(backend, (hooks) => ({ NOTARY_WEBHOOK_URL: hooks.url, NOTARY_MAX_BATCH_SIZE: '20' }));
  });
  afterAll(async () => app?.close());

  it.skipIf(skipBackend(backend))('signs each package with its own receipt; a bad package fails alone', async () => {
    const good = Array.from({ length: 5 }, (_, i) => uniquePackage(`batch-${backend}-${i}`));
    const packages = [good[0], { spec_version: 'nope' }, ...good.slice(1), 'not even an object'];
    const { status, body, headers } = await signBatch(app.rest, { evidence_packages: packages });
    // AFDP's BatchSignResponse: 200, batch_workflow_id, results[] of SignEvidenceResponse, status
    expect(status).toBe(200);
    expect(headers.location).toBe(`/api/v1/workflows/${body.batch_workflow_id}/status`);
    expect(body).toMatchObject({
      batch_workflow_id: body.workflow_id,
      workflow_type: 'batch_signing',
      status: 'completed',
      evidence_package_hash: null,
      total: 7,
      succeeded: 5,
      failed: 2,
      pending: 0,
    });
    const results = body.results;
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'completed',
      'failed',
      'completed',
      'completed',
      'completed',
      'completed',
      'failed',
    ]);
    expect(results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results[1]).toMatchObject({
      workflow_id: '',
      receipt: null,
      error: { code: 'validation_failed', field: 'evidence_packages[1].spec_version' },
    });
    expect(results[6].error).toMatchObject({ code: 'invalid_request', field: 'evidence_packages[6]' });
    for (const [i, pkg] of [good[0], null, ...good.slice(1)].entries()) {
      if (!pkg) continue;
      const r = results[i];
      expect(r.receipt.workflow_id).toBe(r.workflow_id);
      expect(r.receipt.anchoring).toBe('anchored');
      expect((await validate(app.rest, pkg, r.receipt)).body.is_valid).toBe(true);
      expect((await app.rest.inject(`/api/v1/workflows/${r.workflow_id}/receipt`)).json()).toEqual(r.receipt);
      // each item is a simple_signing workflow of its own, as in AFDP
      expect((await app.rest.inject(`/api/v1/workflows/${r.workflow_id}/status`)).json()).toMatchObject({
        workflow_type: 'simple_signing',
        status: 'completed',
      });
    }
    // warnings belong to the answer to the request that sent the packages; the status shows the rest
    expect(results.map((r: { warnings: string[] }) => r.warnings)).toEqual(Array(7).fill([]));
    const again = (await app.rest.inject(`/api/v1/workflows/${body.batch_workflow_id}/status`)).json();
    expect(again.batch).toEqual({
      total: 7,
      succeeded: 5,
      failed: 2,
      pending: 0,
      results: results.map(({ warnings: _, ...r }: { warnings: string[] }) => r),
    });
    const done = await app.hooks.waitFor(1, (w) => w.body.workflow_id === body.batch_workflow_id);
    expect(done[0]!.body).toMatchObject({
      event: 'completed',
      workflow_type: 'batch_signing',
      details: { total: 7, succeeded: 5, failed: 2 },
    });
  });

  it.skipIf(skipBackend(backend))('fails a batch whose every package is bad, without signing anything', async () => {
    const { status, body } = await signBatch(app.rest, { evidence_packages: [{}, 42] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'failed', error_message: 'all 2 items failed', total: 2, succeeded: 0, failed: 2 });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'failed']);
  });

  it.skipIf(skipBackend(backend))('answers 413 problem+json over the batch size and over the body limit, 400 when empty', async () => {
    const over = await signBatch(app.rest, { evidence_packages: Array.from({ length: 21 }, (_, i) => uniquePackage(i)) });
    expect([over.status, over.body.code, over.body.field]).toEqual([413, 'payload_too_large', 'evidence_packages']);
    expect(over.headers['content-type']).toContain('application/problem+json');
    // 20 packages are allowed, but not 20 × 60 KB: the whole batch must fit NOTARY_MAX_BODY_BYTES (1 MiB)
    const big = Array.from({ length: 20 }, (_, i) => ({ ...uniquePackage(i), metadata: { blob: 'x'.repeat(60_000) } }));
    const tooBig = await signBatch(app.rest, { evidence_packages: big });
    expect([tooBig.status, tooBig.body.code]).toEqual([413, 'payload_too_large']);
    expect((await signBatch(app.rest, { evidence_packages: [] })).status).toBe(400);
  });
});
