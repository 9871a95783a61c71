/**
 * Attack 5 of issue #16: someone with write access edited an audit row and recomputed every later
 * hash, and audit-verify said "intact"; cutting the newest rows was not detected either. Now the
 * append-only tables refuse UPDATE/DELETE/TRUNCATE in the database itself, and the chain's head is
 * signed with the notary's key and anchored in the transparency log at intervals, so
 * `afdp-notary audit verify` reports rewrite, deletion and truncation even after hashes were fixed up.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashRecord, verifyAuditChain, type AuditRecord } from '../../src/adapters/audit/index.js';
import { toRecord, type AuditRow } from '../../src/adapters/audit/rows.js';
import { run } from '../../src/cli/run.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { backendEnv, tempDir } from '../support/databases.js';
import { sign as signOverRest } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { tamper } from '../support/tamper.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

/** A notary with 8 notarizations in its audit trail and two signed heads (after 5 and after 8 rows). */
async function notaryWithAnchors() {
  const env = await backendEnv('postgres');
  const app = await startTestApp(env);
  apps.push(app);
  for (let i = 0; i < 5; i++) expect((await signOverRest(app.rest, uniquePackage(`tamper-${i}`))).status).toBe(200);
  await app.auditAnchors.runOnce();
  for (let i = 5; i < 8; i++) expect((await signOverRest(app.rest, uniquePackage(`tamper-${i}`))).status).toBe(200);
  await app.auditAnchors.runOnce();
  const dir = tempDir('notary-audit-verify-');
  const trustRoot = join(dir, 'trust-root.json');
  writeFileSync(trustRoot, (await app.rest.inject('/api/v1/trust-root')).body);
  const verify = async (...extra: string[]) => {
    const lines: string[] = [];
    const code = await runWith(env, ['audit', 'verify', '--trust-root', trustRoot, '--json', ...extra], lines);
    return {
      code,
      report: JSON.parse(lines[0]!) as { ok: boolean; rows: number; anchors: number; problems: { kind: string; seq: number }[] },
    };
  };
  return { app, verify, state: join(dir, 'state.json') };
}

async function runWith(env: Record<string, string>, argv: string[], lines: string[]): Promise<number> {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = env.DATABASE_URL; // the CLI reads the service's configuration
  try {
    return await run(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

async function rows(app: TestApp): Promise<AuditRecord[]> {
  return (await app.db.query<AuditRow>('SELECT * FROM audit_log ORDER BY seq')).rows.map(toRecord);
}

/** The attack of the issue: change one row, recompute its hash and every later one, so every link holds. */
async function rewriteAndRechain(app: TestApp, seq: number) {
  const all = await rows(app);
  let prev = seq > 1 ? all[seq - 2]!.hash : '0'.repeat(64);
  const statements: [string, unknown[]][] = [];
  for (const row of all.filter((r) => r.seq >= seq)) {
    const changed = {
      ...row,
      prev_hash: prev,
      details: row.seq === seq ? JSON.stringify({ ...JSON.parse(row.details), ip: '10.66.66.66' }) : row.details,
    };
    const hash = hashRecord(changed);
    statements.push([
      'UPDATE audit_log SET details = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
      [row.seq, changed.details, prev, hash],
    ]);
    prev = hash;
  }
  await tamper(app.db, 'audit_log', statements);
}

describe('the audit trail against a database writer', () => {
  it('every notarization has its row; signed heads anchored in the log; an intact trail verifies and the state is kept', async () => {
    const { app, verify, state } = await notaryWithAnchors();
    const { rows: anchors } = await app.db.query<{ seq: string }>('SELECT seq::text FROM audit_anchors ORDER BY seq');
    expect(anchors.map((a) => Number(a.seq))).toEqual([5, 8]);
    const first = await verify('--state', state);
    expect([first.code, first.report]).toEqual([0, expect.objectContaining({ ok: true, rows: 8, anchors: 2, problems: [] })]);
    expect(await app.auditAnchors.runOnce()).toBeUndefined(); // nothing new to sign
  });

  it('an edited row with every later hash recomputed: the old chain walk says intact, audit verify reports the rewrite', async () => {
    const { app, verify } = await notaryWithAnchors();
    await rewriteAndRechain(app, 3);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true, rows: 8 }); // what main's audit-verify saw
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'rewrite', seq: 5 }),
      expect.objectContaining({ kind: 'rewrite', seq: 8 }),
    ]);
  });

  it('the newest rows cut off: seen against the signed head beyond the cut, and with the heads cut too, against the state of an earlier run', async () => {
    const { app, verify, state } = await notaryWithAnchors();
    expect((await verify('--state', state)).code).toBe(0);
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log WHERE seq > 6']]);
    expect((await verify()).report.problems).toEqual([expect.objectContaining({ kind: 'truncation', seq: 8 })]);
    await tamper(app.db, 'audit_anchors', [['DELETE FROM audit_anchors WHERE seq > 6']]);
    expect((await verify()).code).toBe(0); // nothing in the database betrays it any more …
    const withState = await verify('--state', state); // … but the earlier run's state does
    expect(withState.code).toBe(1);
    expect(withState.report.problems.map((p) => p.kind)).toEqual(['truncation', 'truncation']);
  });

  it('a deleted row: deletion', async () => {
    const { app, verify } = await notaryWithAnchors();
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log WHERE seq = 4']]);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'deletion', seq: 5 });
  });

  it("heads re-signed with the writer's own key over a rewritten chain: forged_anchor", async () => {
    const { app, verify } = await notaryWithAnchors();
    await rewriteAndRechain(app, 2);
    const [row8] = (await rows(app)).filter((r) => r.seq === 8);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const [real] = (await app.db.query<Record<string, unknown>>('SELECT * FROM audit_anchors WHERE seq = 8')).rows;
    const statement = JSON.stringify({ at: new Date().toISOString(), head_hash: row8!.hash, seq: 8, type: 'afdp-notary/audit-head/v1' });
    await tamper(app.db, 'audit_anchors', [
      ['DELETE FROM audit_anchors'],
      [
        'INSERT INTO audit_anchors (seq, head_hash, statement, signature, key_id, key_version, log_url, entry) VALUES (8, $1, $2, $3, $4, $5, $6, $7)',
        [
          row8!.hash,
          statement,
          sign('sha256', Buffer.from(statement), privateKey).toString('base64'),
          real!.key_id,
          real!.key_version,
          real!.log_url,
          real!.entry,
        ],
      ],
    ]);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'forged_anchor', seq: 8 })]);
  });
});

describe('many signed heads', () => {
  it('are read in seq order past 9 (numbers, not text), and a trail with a dozen verifies', async () => {
    const env = await backendEnv('postgres');
    const app = await startTestApp(env);
    apps.push(app);
    for (let i = 0; i < 12; i++) {
      expect((await signOverRest(app.rest, uniquePackage(`many-heads-${i}`))).status).toBe(200);
      await app.auditAnchors.runOnce();
    }
    const lines: string[] = [];
    expect(await runWith(env, ['audit', 'verify', '--json'], lines)).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: true, anchors: 12, last_anchored_seq: 12, unanchored_rows: 0 });
  });
});

describe('append-only tables refuse changes in the database itself', () => {
  const TABLES = [
    'evidence',
    'signatures',
    'anchors',
    'log_leaves',
    'log_checkpoints',
    'log_keys',
    'audit_log',
    'audit_anchors',
    'approval_decisions',
    'signature_timestamps',
    'tsa_keys',
  ];

  it("UPDATE, DELETE and TRUNCATE fail with 42501 on each, also with session_replication_role = replica; the anchorer and the timestamper still move a signature's state", async () => {
    const app = await startTestApp();
    apps.push(app);
    expect((await signOverRest(app.rest, uniquePackage('append-only'))).status).toBe(200);
    await app.auditAnchors.runOnce();
    const approval = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign/approval',
      payload: { evidence_package: uniquePackage('ao-approval'), approvers: ['a', 'b'] },
    });
    await app.rest.inject({
      method: 'POST',
      url: `/api/v1/workflows/${approval.json().workflow_id}/approvals`,
      payload: { approver: 'a', decision: 'approve' },
    });
    const refusal = (sql: string) =>
      app.db
        .transaction(async (tx) => {
          await tx.query("SET LOCAL session_replication_role = 'replica'");
          await tx.query(sql);
        })
        .then(
          () => 'changed',
          (err: { cause?: { code?: string }; code?: string }) => err.code ?? err.cause?.code,
        );
    for (const table of TABLES) {
      const {
        rows: [col],
      } = await app.db.query<{ c: string }>(
        "SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 AND data_type = 'text' ORDER BY ordinal_position LIMIT 1",
        [table],
      );
      expect(await refusal(`UPDATE ${table} SET ${col!.c} = ${col!.c} || 'x'`), `UPDATE ${table}`).toBe('42501');
      expect(await refusal(`DELETE FROM ${table}`), `DELETE ${table}`).toBe('42501');
      expect(await refusal(`TRUNCATE ${table} CASCADE`), `TRUNCATE ${table}`).toBe('42501');
      const {
        rows: [n],
      } = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(n!.n, `${table} keeps its rows`).toBeGreaterThan(0);
    }
    // the changes the service makes to a signature: its anchoring state, its timestamp's (issue #21)
    await app.db.query('UPDATE signatures SET anchored = true, timestamp_pending = false');
    expect(await refusal('UPDATE signatures SET anchored = true, signature = signature')).toBe('changed'); // the same value is no change
    expect(await refusal("UPDATE signatures SET anchored = false, signature = signature || 'x'")).toBe('42501');
  });
});
