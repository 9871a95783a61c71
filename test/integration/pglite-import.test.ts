import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import { decide } from '../support/workflow-http.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/pglite-data');

interface Expected {
  signed: { evidence_package: Record<string, unknown>; receipt: { workflow_id: string; signature_b64: string; log_index: number } }[];
  batch: { workflow_id: string };
  approval: { workflow_id: string };
}

async function json(app: TestApp, url: string, payload?: unknown) {
  const res = await app.rest.inject(payload === undefined ? { method: 'GET', url } : { method: 'POST', url, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
}

describe('a data folder written by the PGlite versions', () => {
  it('is imported once on the first start: every receipt fetchable and valid, workflows resume, the log continues', async () => {
    const root = tempDir();
    chmodSync(root, 0o711); // the server's user passes through to data/pg
    execFileSync('tar', ['-xzf', join(FIXTURE, 'data.tar.gz'), '-C', root]);
    const dataDir = join(root, 'data');
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;

    let app = await startTestApp({ NOTARY_DATA_DIR: dataDir });
    try {
      expect(app.logLines.join('')).toContain('PGlite data folder imported');
      for (const { evidence_package, receipt } of expected.signed) {
        const stored = await json(app, `/api/v1/workflows/${receipt.workflow_id}/receipt`);
        expect(stored.status).toBe(200);
        expect(stored.body).toMatchObject({ signature_b64: receipt.signature_b64, log_index: receipt.log_index, anchoring: 'anchored' });
        const verdict = await json(app, '/api/v1/evidence/validate', { evidence_package, receipt: stored.body });
        expect(verdict.body).toMatchObject({ is_valid: true });
      }
      // the Idempotency-Key claimed before the import still returns the same receipt
      const replay = await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/sign',
        headers: { 'idempotency-key': 'fixture-key-1' },
        payload: { evidence_package: expected.signed[0]!.evidence_package },
      });
      expect(replay.statusCode).toBe(200);
      expect(replay.json().receipt.signature_b64).toBe(expected.signed[0]!.receipt.signature_b64);
      expect((await json(app, `/api/v1/workflows/${expected.batch.workflow_id}/status`)).body.status).toBe('completed');
      // the pending approval finishes with the imported keyring and log key
      await decide(app.rest, expected.approval.workflow_id, { approver: 'alice', decision: 'approve' });
      const approved = await decide(app.rest, expected.approval.workflow_id, { approver: 'bob', decision: 'approve' });
      expect(approved.body.status).toBe('completed');
      // new entries continue the imported tree
      const before = (await json(app, '/api/v1/log')).body.treeSize as number;
      const fresh = await json(app, '/api/v1/evidence/sign', { evidence_package: uniquePackage('after-import') });
      expect(fresh.body.receipt.log_index).toBe(before);
      expect(
        (await json(app, '/api/v1/evidence/validate', { evidence_package: uniquePackage('after-import'), receipt: fresh.body.receipt }))
          .body.is_valid,
      ).toBe(true);
      await app.security.audit.flush();
      expect(await app.security.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await app.close();
    }
    // the old folder is kept aside, and a restart does not import again
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('pgdata.imported-'))).toHaveLength(1);
    app = await startTestApp({ NOTARY_DATA_DIR: dataDir });
    try {
      expect(app.logLines.join('')).not.toContain('importing the PGlite data folder');
      expect((await json(app, `/api/v1/workflows/${expected.signed[3]!.receipt.workflow_id}/receipt`)).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 120_000);
});
