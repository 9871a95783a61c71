/**
 * Issue 22's Done-when for evidence at rest and retention, through the real service on the
 * embedded default: a marker signed inside a package is nowhere in the data folder's raw bytes
 * (after a CHECKPOINT) nor in the backup's database dump, yet GET /api/v1/evidence/{hash} returns
 * it; a body past retention is purged (410 Gone, one audit row), its receipt still verifies offline
 * with `afdp-notary verify` and `afdp-notary audit verify` still passes.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../src/cli/backup/dump.js';
import { run } from '../../src/cli/run.js';
import { retentionLoop } from '../../src/workers/integrity-loops.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { record } from '../support/records.js';
import { filesHolding, smallPackage } from '../support/at-rest.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';

async function cli(app: TestApp, argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const saved = process.env.NOTARY_DATA_DIR;
  process.env.NOTARY_DATA_DIR = app.config.dataDir; // the CLI reads the service's configuration
  try {
    return { code: await run(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) }), lines };
  } finally {
    if (saved === undefined) delete process.env.NOTARY_DATA_DIR;
    else process.env.NOTARY_DATA_DIR = saved;
  }
}

describe('evidence encrypted at rest, on the embedded default', () => {
  let app: TestApp;
  const marker = `PHI-MARKER-${randomBytes(12).toString('hex')}`;
  const pkg = smallPackage(marker);
  let signed: { workflow_id: string; receipt: { evidence_package_hash: string } };

  beforeAll(async () => {
    app = await startTestApp();
    const res = await sign(app.rest, pkg);
    expect(res.status).toBe(200);
    signed = res.body;
  });
  afterAll(async () => app?.close());

  it('the marker is in no file of the data folder nor in the database dump, yet an authorized reader gets it', async () => {
    const get = await app.rest.inject(`/api/v1/evidence/${signed.receipt.evidence_package_hash}`);
    expect(get.statusCode).toBe(200);
    expect(get.json().evidence_package.metadata.diagnosis).toBe(marker);
    await app.db.query('CHECKPOINT');
    expect(filesHolding(app.config.dataDir, marker)).toEqual([]);
    const dump = tempDir('notary-dump-');
    const written = await dumpDatabase(app.db, dump);
    expect(written.tables.evidence?.rows).toBeGreaterThanOrEqual(1);
    expect(filesHolding(dump, marker)).toEqual([]);
    // control: the same search finds a marker stored the way rows were stored before encryption
    const clear = `CLEAR-MARKER-${randomBytes(12).toString('hex')}`;
    await new PgEvidenceStore(app.db).save(record(smallPackage(clear) as never));
    await app.db.query('CHECKPOINT');
    expect(filesHolding(join(app.config.dataDir, 'pg'), clear).length).toBeGreaterThan(0);
    const dump2 = tempDir('notary-dump-');
    await dumpDatabase(app.db, dump2);
    expect(filesHolding(dump2, clear).length).toBeGreaterThan(0);
  });

  it('a body past retention is purged: 410 Gone, one audit row, the receipt verifies offline and the audit chain still verifies', async () => {
    const hash = signed.receipt.evidence_package_hash;
    const receipt = (await app.rest.inject(`/api/v1/workflows/${signed.workflow_id}/receipt`)).json();
    // the loop as the service runs it with NOTARY_RETENTION_EVIDENCE_DAYS=30, its clock 31 days on
    const loop = retentionLoop(
      app.db,
      app.security.audit.chain,
      30,
      { info: () => undefined, warn: () => undefined } as never,
      () => new Date(Date.now() + 31 * 86_400_000),
    );
    expect(await loop.runOnce()).toBeGreaterThanOrEqual(1);

    const gone = await app.rest.inject(`/api/v1/evidence/${hash}`);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.json()).toMatchObject({ status: 410, code: 'gone' });
    // the workflow and its receipt stay
    expect((await app.rest.inject(`/api/v1/workflows/${signed.workflow_id}/receipt`)).json()).toEqual(receipt);
    const { rows } = await app.db.query<{ details: { evidence_hash: string } }>(
      "SELECT details FROM audit_log WHERE event = 'evidence.purged'",
    );
    expect(rows.map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details).evidence_hash)).toContain(hash);

    const dir = tempDir('notary-verify-');
    writeFileSync(join(dir, 'e.json'), JSON.stringify(pkg));
    writeFileSync(join(dir, 'r.json'), JSON.stringify(receipt));
    writeFileSync(join(dir, 't.json'), (await app.rest.inject('/api/v1/trust-root')).body);
    const verified = await cli(app, [
      'verify',
      '--evidence',
      join(dir, 'e.json'),
      '--receipt',
      join(dir, 'r.json'),
      '--trust-root',
      join(dir, 't.json'),
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.lines[0]!)).toMatchObject({ ok: true });

    await app.auditAnchors.runOnce();
    const audit = await cli(app, ['audit', 'verify', '--trust-root', join(dir, 't.json'), '--json']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.lines[0]!)).toMatchObject({ ok: true });
  });
});
