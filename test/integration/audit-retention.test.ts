/**
 * Audit-row retention (issue 22): rows past NOTARY_RETENTION_AUDIT_DAYS are purged behind a new
 * chain start, signed with the notary's key and anchored in the transparency log; `audit verify`
 * checks from it and says how many rows went and when. A database writer who cuts rows, forges a
 * start or deletes what the purge left must still be caught; a purge never destroys a tampering's
 * evidence nor events a SIEM destination has not received; a backup made after a purge verifies.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';
import { hashRecord, verifyAuditChain, type AuditRecord } from '../../src/adapters/audit/index.js';
import { purgeExpiredAuditRows } from '../../src/adapters/audit/retention.js';
import { toRecord, type AuditRow } from '../../src/adapters/audit/rows.js';
import { auditRetentionLoop } from '../../src/workers/integrity-loops.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { backendEnv, tempDir } from '../support/databases.js';
import { sign as signOverRest } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { tamper } from '../support/tamper.js';

const DAY_MS = 86_400_000;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

interface Report {
  ok: boolean;
  rows: number;
  chain_start: null | { first_seq: number; purged_rows: number; purged_through: string; purged_at: string; purges: number };
  problems: { kind: string; seq: number }[];
}

/**
 * A notary with 5 notarizations, a signed head (seq 5), then — after `boundary` — 3 more and a
 * second head (seq 8). With retention R days and the clock at boundary + R, rows 1–5 are past it.
 */
async function notaryWithHistory(env?: Record<string, string>) {
  const appEnv = env ?? (await backendEnv('postgres'));
  const app = await startTestApp(appEnv);
  apps.push(app);
  for (let i = 0; i < 5; i++) expect((await signOverRest(app.rest, uniquePackage(`ret-${i}`))).status).toBe(200);
  await app.auditAnchors.runOnce();
  await new Promise((r) => setTimeout(r, 20));
  const boundary = new Date();
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 5; i < 8; i++) expect((await signOverRest(app.rest, uniquePackage(`ret-${i}`))).status).toBe(200);
  await app.auditAnchors.runOnce();
  const dir = tempDir('notary-audit-retention-');
  const trustRoot = join(dir, 'trust-root.json');
  writeFileSync(trustRoot, (await app.rest.inject('/api/v1/trust-root')).body);
  const cliEnv: Record<string, string> = appEnv.DATABASE_URL
    ? { DATABASE_URL: appEnv.DATABASE_URL }
    : { NOTARY_DATA_DIR: app.config.dataDir };
  const verify = async (...extra: string[]) => {
    const { code, lines } = await runCli(cliEnv, ['audit', 'verify', '--json', ...extra]);
    return { code, report: JSON.parse(lines[0]!) as Report };
  };
  /** the loop as the service runs it with NOTARY_RETENTION_AUDIT_DAYS=2555, its clock at boundary + 7 years */
  const purge = () =>
    auditRetentionLoop(
      app.db,
      app.security.audit.chain,
      app.signer,
      app.log,
      2555,
      quiet,
      () => new Date(boundary.getTime() + 2555 * DAY_MS),
    ).runOnce();
  return { app, verify, purge, boundary, trustRoot, dir };
}

const rows = async (app: TestApp): Promise<AuditRecord[]> =>
  (await app.db.query<AuditRow>('SELECT * FROM audit_log ORDER BY seq')).rows.map(toRecord);
const sqlState = (p: Promise<unknown>) =>
  p.then(
    () => 'done',
    (err: { code?: string; cause?: { code?: string } }) => err.code ?? err.cause?.code,
  );

describe('audit-row retention', () => {
  it('purges the rows past retention up to an anchored head, behind a signed, anchored start; audit verify reports it and passes', async () => {
    const { app, verify, purge, trustRoot, boundary } = await notaryWithHistory({
      ...(await backendEnv('postgres')),
      NOTARY_RETENTION_AUDIT_DAYS: '2555',
    });
    // the service's own loop, on the real clock: nothing is seven years old
    expect(await app.auditRetention!.runOnce()).toEqual({ firstSeq: 1, deleted: 0, heldBackBy: [] });
    const result = await purge();
    expect(result).toMatchObject({ firstSeq: 6, deleted: 5, heldBackBy: [] });
    const kept = await rows(app);
    expect(kept.map((r) => r.seq)).toEqual([6, 7, 8, 9]);
    // the purge is an audit event, in the chain after the start
    expect(kept[3]).toMatchObject({ event: 'audit.purged', outcome: 'success' });
    expect(JSON.parse(kept[3]!.details)).toMatchObject({
      first_seq: 6,
      purged_from_seq: 1,
      purged_rows: 5,
      retention_days: 2555,
      cutoff: boundary.toISOString(),
    });
    // the start was logged: the log grew by its entry, and its statement is what was signed
    const {
      rows: [start],
    } = await app.db.query<{ statement: string; entry: string }>('SELECT statement, entry FROM audit_chain_starts');
    expect(JSON.parse(start!.statement)).toMatchObject({
      type: 'afdp-notary/audit-chain-start/v1',
      first_seq: 6,
      purged_rows: 5,
      prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.parse(start!.entry).inclusionProof.checkpoint).toContain('afdp-notary');

    const { code, report } = await verify('--trust-root', trustRoot);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, rows: 4, problems: [], chain_start: { first_seq: 6, purged_rows: 5, purges: 1 } });
    expect(new Date(report.chain_start!.purged_through).getTime()).toBeLessThan(boundary.getTime());
    const text = await runCli({ DATABASE_URL: app.config.databaseUrl! }, ['audit', 'verify', '--trust-root', trustRoot]);
    expect(text.lines.join('\n')).toMatch(/chain start: seq 6, signed and anchored; 5 older rows purged/);
    expect(await verifyAuditChain(app.db)).toMatchObject({ ok: true, rows: 4 });

    // nothing more is past retention behind a head: a second round purges nothing and signs nothing
    expect(await purge()).toMatchObject({ firstSeq: 6, deleted: 0 });
    expect((await app.db.query('SELECT 1 FROM audit_chain_starts')).rows).toHaveLength(1);
    // the chain goes on from the start, the next purge rests on a later head
    expect((await signOverRest(app.rest, uniquePackage('ret-after'))).status).toBe(200);
    await app.auditAnchors.runOnce();
    const later = await purgeExpiredAuditRows(app.db, app.security.audit.chain, app.signer, app.log, {
      cutoff: new Date(Date.now() + 1000),
      retentionDays: 1,
    });
    expect(later).toMatchObject({ firstSeq: 11, deleted: 5 });
    const again = await verify('--trust-root', trustRoot);
    expect([again.code, again.report.chain_start]).toEqual([0, expect.objectContaining({ first_seq: 11, purged_rows: 10, purges: 2 })]);
  });

  it('with the triggers on, only rows below a start can be deleted, and a start must rest on an anchored head', async () => {
    const { app, purge } = await notaryWithHistory();
    expect(await sqlState(app.db.query('DELETE FROM audit_log WHERE seq = 1'))).toBe('42501'); // no start yet
    await purge();
    expect(await sqlState(app.db.query('DELETE FROM audit_log WHERE seq = 7'))).toBe('42501'); // above the start
    expect(await sqlState(app.db.query('DELETE FROM audit_log'))).toBe('42501');
    expect(await sqlState(app.db.query('TRUNCATE audit_log'))).toBe('42501');
    expect(await sqlState(app.db.query("UPDATE audit_chain_starts SET prev_hash = 'x'"))).toBe('42501');
    expect(await sqlState(app.db.query('DELETE FROM audit_chain_starts'))).toBe('42501');
    const [genuine] = (await app.db.query<Record<string, unknown>>('SELECT * FROM audit_chain_starts')).rows;
    const hashAt = async (seq: number) => (await rows(app)).find((r) => r.seq === seq)!;
    const insert = (firstSeq: number, prevHash: string, through: string) =>
      sqlState(
        app.db.query(
          `INSERT INTO audit_chain_starts (first_seq, prev_hash, purged_rows, purged_through, statement, signature, key_id, key_version, log_url, entry)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            firstSeq,
            prevHash,
            firstSeq - 1,
            through,
            genuine!.statement,
            genuine!.signature,
            genuine!.key_id,
            genuine!.key_version,
            genuine!.log_url,
            genuine!.entry,
          ],
        ),
      );
    const row7 = await hashAt(7);
    expect(await insert(8, row7.hash, row7.at)).toBe('23514'); // no head was signed at seq 7
    expect(await insert(5, '0'.repeat(64), new Date().toISOString())).toBe('23514'); // backwards
    await app.db.query("INSERT INTO siem_cursors (sink, last_seq) VALUES ('syslog-tls://siem:6514', 7)");
    const row8 = await hashAt(8);
    expect(await insert(9, row8.hash, row8.at)).toBe('23514'); // the SIEM destination is behind it
  });

  it("never purges past a SIEM destination's cursor (less what a failed connection re-sends)", async () => {
    const { app, purge, boundary } = await notaryWithHistory();
    await app.db.query("INSERT INTO siem_cursors (sink, last_seq) VALUES ('otlp-logs:http://collector:4318', 4)");
    const options = { cutoff: boundary, retentionDays: 2555 };
    const held = await purgeExpiredAuditRows(app.db, app.security.audit.chain, app.signer, app.log, { ...options, siemMargin: 0 });
    expect(held).toEqual({ firstSeq: 1, deleted: 0, heldBackBy: ['otlp-logs:http://collector:4318'] });
    await app.db.query("UPDATE siem_cursors SET last_seq = 9 WHERE sink = 'otlp-logs:http://collector:4318'");
    expect(await purge()).toMatchObject({ firstSeq: 1, deleted: 0 }); // the default margin: 10,000 events
    expect(await purgeExpiredAuditRows(app.db, app.security.audit.chain, app.signer, app.log, { ...options, siemMargin: 0 })).toMatchObject(
      { firstSeq: 6, deleted: 5, heldBackBy: [] },
    );
  });

  it('refuses to purge rows that do not verify: the tampering stays for audit verify to report', async () => {
    const { app, purge, verify } = await notaryWithHistory();
    await rewriteAndRechain(app, 2);
    await expect(purge()).resolves.toBeUndefined(); // the round failed (logged at error level)
    await expect(
      purgeExpiredAuditRows(app.db, app.security.audit.chain, app.signer, app.log, {
        cutoff: new Date(Date.now() + 1000),
        retentionDays: 1,
      }),
    ).rejects.toMatchObject({ code: 'audit_chain_broken' });
    expect((await rows(app)).length).toBe(8);
    expect((await verify()).report.problems.map((p) => p.kind)).toEqual(['rewrite', 'rewrite']);
  });
});

describe('audit verify after a purge, against a database writer', () => {
  async function purged() {
    const h = await notaryWithHistory();
    await h.purge();
    await h.app.auditAnchors.runOnce(); // the head after the purge's own row (seq 9)
    return h;
  }

  it('a start forged by a writer who cannot sign (triggers on) lets them delete rows, but not past audit verify --trust-root', async () => {
    const { app, verify, trustRoot } = await purged();
    const [genuine] = (await app.db.query<Record<string, string>>('SELECT * FROM audit_chain_starts')).rows;
    const row8 = (await rows(app)).find((r) => r.seq === 8)!;
    const statement = canonicalize({
      type: 'afdp-notary/audit-chain-start/v1',
      first_seq: 9,
      prev_hash: row8.hash,
      purged_rows: 8,
      purged_through: row8.at,
      retention_days: 1,
      at: new Date().toISOString(),
    })!;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await app.db.query(
      `INSERT INTO audit_chain_starts (first_seq, prev_hash, purged_rows, purged_through, statement, signature, key_id, key_version, log_url, entry)
       VALUES (9, $1, 8, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row8.hash,
        row8.at,
        statement,
        sign('sha256', Buffer.from(statement), privateKey).toString('base64'),
        genuine!.key_id,
        genuine!.key_version,
        genuine!.log_url,
        genuine!.entry,
      ],
    );
    await app.db.query('DELETE FROM audit_log WHERE seq < 9');
    expect((await verify()).code).toBe(0); // without the trust root the database alone cannot tell …
    const { code, report } = await verify('--trust-root', trustRoot); // … the notary's key can
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'forged_chain_start', seq: 9 })]);
  });

  it('the oldest kept rows deleted (the owner switched the triggers off): deletion', async () => {
    const { app, verify, trustRoot } = await purged();
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log WHERE seq = 6']]);
    const { code, report } = await verify('--trust-root', trustRoot);
    expect(code).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'deletion', seq: 7 });
  });

  it('the start removed together with rows: the chain no longer begins at genesis nor at a start: deletion', async () => {
    const { app, verify, trustRoot } = await purged();
    await tamper(app.db, 'audit_chain_starts', [['DELETE FROM audit_chain_starts']]);
    const { code, report } = await verify('--trust-root', trustRoot);
    expect(code).toBe(1);
    expect(report.chain_start).toBeNull();
    expect(report.problems[0]).toMatchObject({ kind: 'deletion', seq: 6 });
  });

  it('the newest rows cut off after a purge: truncation; every row cut: truncation at the start', async () => {
    const { app, verify, trustRoot } = await purged();
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log WHERE seq > 7']]);
    expect((await verify('--trust-root', trustRoot)).report.problems.map((p) => `${p.kind}@${p.seq}`)).toEqual([
      'truncation@8',
      'truncation@9',
    ]);
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log']]);
    const kinds = (await verify('--trust-root', trustRoot)).report.problems.map((p) => `${p.kind}@${p.seq}`);
    expect(kinds).toEqual(['truncation@6', 'truncation@8', 'truncation@9']);
  });

  it('a kept row rewritten and re-chained, and a start re-signed by the writer over it: rewrite, forged_chain_start', async () => {
    const { app, verify, trustRoot } = await purged();
    await rewriteAndRechain(app, 7);
    expect((await verify('--trust-root', trustRoot)).report.problems.map((p) => `${p.kind}@${p.seq}`)).toEqual(['rewrite@8', 'rewrite@9']);
    // the writer replaces the start with one of their own resting on seq 8 and cuts everything below
    const row8 = (await rows(app)).find((r) => r.seq === 8)!;
    const [genuine] = (await app.db.query<Record<string, string>>('SELECT * FROM audit_chain_starts')).rows;
    const statement = canonicalize({
      type: 'afdp-notary/audit-chain-start/v1',
      first_seq: 9,
      prev_hash: row8.hash,
      purged_rows: 8,
      purged_through: row8.at,
      retention_days: 1,
      at: new Date().toISOString(),
    })!;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await tamper(app.db, 'audit_anchors', [['UPDATE audit_anchors SET head_hash = $1 WHERE seq = 8', [row8.hash]]]);
    await tamper(app.db, 'audit_chain_starts', [
      ['DELETE FROM audit_chain_starts'],
      [
        `INSERT INTO audit_chain_starts (first_seq, prev_hash, purged_rows, purged_through, statement, signature, key_id, key_version, log_url, entry)
        VALUES (9, $1, 8, $2, $3, $4, $5, $6, $7, $8)`,
        [
          row8.hash,
          row8.at,
          statement,
          sign('sha256', Buffer.from(statement), privateKey).toString('base64'),
          genuine!.key_id,
          genuine!.key_version,
          genuine!.log_url,
          genuine!.entry,
        ],
      ],
    ]);
    await tamper(app.db, 'audit_log', [['DELETE FROM audit_log WHERE seq < 9']]);
    const { code, report } = await verify('--trust-root', trustRoot);
    expect(code).toBe(1);
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['forged_chain_start', 'forged_anchor']));
  });

  it("an earlier run's state below the new start still verifies; one whose head is gone does not", async () => {
    const { app, verify, trustRoot, dir } = await notaryWithHistory();
    const state = join(dir, 'state.json');
    expect((await verify('--state', state)).code).toBe(0); // state: the head at seq 8
    await purgeExpiredAuditRows(app.db, app.security.audit.chain, app.signer, app.log, {
      cutoff: new Date(Date.now() + 1000),
      retentionDays: 1,
    });
    expect((await verify('--state', state, '--trust-root', trustRoot)).report).toMatchObject({ ok: true, chain_start: { first_seq: 9 } });
    await tamper(app.db, 'audit_anchors', [['DELETE FROM audit_anchors WHERE seq = 8']]);
    const cut = await verify('--state', state, '--trust-root', trustRoot);
    expect(cut.code).toBe(1);
    expect(cut.report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['deletion', 'truncation']));
  });
});

describe('backup and restore after a purge', () => {
  it('the restored database verifies from the same signed start', async () => {
    const { app, purge, trustRoot } = await notaryWithHistory({});
    await purge();
    const address = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    const out = join(tempDir('notary-backup-'), 'b');
    expect((await runCli({ NOTARY_DATA_DIR: app.config.dataDir }, ['backup', '--out', out, '--url', address])).code).toBe(0);
    const target = tempDir('notary-restore-'); // empty
    const restored = await runCli({}, ['restore', out, '--data-dir', target]);
    expect(restored.code, restored.lines.join('\n')).toBe(0);
    const { code, lines } = await runCli({ NOTARY_DATA_DIR: target }, ['audit', 'verify', '--json', '--trust-root', trustRoot]);
    expect(code, lines.join('\n')).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: true, rows: 4, chain_start: { first_seq: 6, purged_rows: 5, purges: 1 } });
  }, 120_000);
});

/** Change one row's details, recompute its hash and every later one (the owner's triggers off). */
async function rewriteAndRechain(app: TestApp, seq: number) {
  const all = await rows(app);
  const from = all.findIndex((r) => r.seq === seq);
  let prev = from > 0 ? all[from - 1]!.hash : all[from]!.prev_hash;
  const statements: [string, unknown[]][] = [];
  for (const row of all.slice(from)) {
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
