import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hashRecord, SqlAuditLog, verifyAuditChain, type AuditEvent } from '../../src/adapters/audit/index.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { openDatabase } from '../../src/adapters/db/open-database.js';
import { runAuditVerify } from '../../src/cli/audit-verify.js';
import {
  backends,
  freshPostgresDatabase,
  MIGRATIONS,
  openMigrated,
  postgresUrl,
  seededDataDir,
  skipBackend,
} from '../support/databases.js';
import { tamper } from '../support/tamper.js';

const event = (i: number, principal: string | null = 'api_key:k1'): AuditEvent => ({
  event: i % 2 ? 'evidence.read' : 'evidence.created',
  outcome: 'success',
  principal,
  details: { route: '/api/v1/evidence/sign', n: i },
});

describe.each(backends)('hash-chained audit log on %s', (backend) => {
  let db: SqlClient;
  let audit: SqlAuditLog;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openMigrated(backend);
    audit = new SqlAuditLog(db);
  });
  afterAll(async () => db?.close());

  it.skipIf(skipBackend(backend))('links every row to its predecessor and verifies end to end', async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 0, head: null });
    await Promise.all(Array.from({ length: 50 }, (_, i) => audit.append(event(i))));
    const result = await verifyAuditChain(db, 7); // small pages: the walk crosses page boundaries
    expect(result).toMatchObject({ ok: true, rows: 50 });
    const { rows } = await db.query<{ seq: string; prev_hash: string; hash: string }>(
      'SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq',
    );
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
  });

  it.skipIf(skipBackend(backend))('leaves no gap after a failed append: the next events link to the last stored row', async () => {
    const fresh = await openMigrated(backend);
    try {
      const log = new SqlAuditLog(fresh);
      await log.append(event(0));
      await fresh.query("ALTER TABLE audit_log ADD CONSTRAINT no_boom CHECK (event <> 'boom')");
      // PostgreSQL's check_violation on that constraint, as the driver reports it
      await expect(log.append({ ...event(1), event: 'boom' })).rejects.toMatchObject({ code: '23514', constraint: 'no_boom' });
      await log.append(event(2));
      await log.append(event(3));
      expect(await verifyAuditChain(fresh)).toMatchObject({ ok: true, rows: 3 });
    } finally {
      await fresh.close();
    }
  });

  it.skipIf(skipBackend(backend))('answers queries newest first, filtered and paged', async () => {
    const first = await audit.query({ event: 'evidence.read', pageSize: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.items.every((r) => r.event === 'evidence.read')).toBe(true);
    expect(first.items[0]!.seq).toBeGreaterThan(first.items[9]!.seq);
    const next = await audit.query({ event: 'evidence.read', pageSize: 100, beforeSeq: first.nextBeforeSeq! });
    expect(next.items).toHaveLength(15);
    expect(next.nextBeforeSeq).toBeNull();
  });

  it.skipIf(skipBackend(backend))('names the first altered row', async () => {
    await tamper(db, 'audit_log', [[`UPDATE audit_log SET details = '{"n":999}' WHERE seq = 17`]]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 17, rows: 16, reason: expect.stringMatching(/altered/) });
  });

  it.skipIf(skipBackend(backend))('names a row whose hash was recomputed to hide an edit: its successor no longer links', async () => {
    // an attacker who rewrites row 17 and its hash breaks the link from row 18
    const { rows } = await db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 17');
    const r17 = (await db.query<Record<string, unknown>>('SELECT * FROM audit_log WHERE seq = 17')).rows[0]!;
    const fixed = hashRecord({
      seq: 17,
      at: (r17.at as Date).toISOString(),
      event: String(r17.event),
      outcome: 'success',
      principal: r17.principal as string,
      details: String(r17.details),
      prev_hash: String(r17.prev_hash),
    });
    await tamper(db, 'audit_log', [['UPDATE audit_log SET hash = $1 WHERE seq = 17', [fixed]]]);
    expect(fixed).not.toBe(rows[0]!.hash);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 18, reason: expect.stringMatching(/prev_hash/) });
  });

  it.skipIf(skipBackend(backend))('names the gap left by a deleted row', async () => {
    await tamper(db, 'audit_log', [['DELETE FROM audit_log WHERE seq >= 10']]);
    audit = new SqlAuditLog(db); // a service started after the cut: the chain continues from 9
    await audit.append(event(100));
    await tamper(db, 'audit_log', [['DELETE FROM audit_log WHERE seq = 5']]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 6, rows: 4, reason: expect.stringMatching(/gap/) });
  });
});

describe('audit appends from two replicas', () => {
  it.skipIf(postgresUrl() === '')('never fork the chain: the advisory lock serializes them', async () => {
    const url = await freshPostgresDatabase();
    const a = connectPostgres(url);
    const b = connectPostgres(url);
    try {
      await migrate(a, MIGRATIONS);
      const logA = new SqlAuditLog(a);
      const logB = new SqlAuditLog(b);
      // interleaved bursts: each replica group-commits its own batches while the other does the same
      await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? logA : logB).append(event(i, i % 2 ? 'replica:a' : 'replica:b'))));
      expect(await verifyAuditChain(a)).toMatchObject({ ok: true, rows: 300 });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('audit-verify command', () => {
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } };
  };

  const open = (dataDir: string) => openDatabase({ dataDir, migrationsDir: MIGRATIONS, role: 'audit-chain test service' });

  it('with the service down, starts the embedded server itself: 0 on an intact chain, 1 naming the first broken row', async () => {
    const dataDir = seededDataDir();
    let database = await open(dataDir);
    const log = new SqlAuditLog(database.db);
    for (let i = 0; i < 5; i++) await log.append(event(i));
    await database.close();

    const ok = io();
    expect(await runAuditVerify([], ok.io, { NOTARY_DATA_DIR: dataDir })).toBe(0);
    expect(ok.lines[0]).toMatch(/^audit chain: 5 rows, head seq 5 [0-9a-f]{64}$/);
    expect(ok.lines.at(-1)).toBe('audit trail intact');

    database = await open(dataDir); // the command stopped the server it started, and released the folder
    await tamper(database.db, 'audit_log', [["UPDATE audit_log SET principal = 'someone-else' WHERE seq = 3"]]);
    await database.close();
    const broken = io();
    expect(await runAuditVerify(['--json'], broken.io, { NOTARY_DATA_DIR: dataDir })).toBe(1);
    expect(JSON.parse(broken.lines[0]!)).toMatchObject({ ok: false, problems: [{ kind: 'rewrite', seq: 3 }] });
  });

  it('with the service running, reads through its server and sees every committed row', async () => {
    const dataDir = seededDataDir();
    const database = await open(dataDir);
    try {
      const log = new SqlAuditLog(database.db);
      for (let i = 0; i < 27; i++) await log.append(event(i));
      const out = io();
      expect(await runAuditVerify(['--json'], out.io, { NOTARY_DATA_DIR: dataDir })).toBe(0);
      expect(JSON.parse(out.lines[0]!)).toMatchObject({ ok: true, rows: 27 });
      expect(database.server?.state).toBe('running'); // the command left the service's server alone
      await log.append(event(27));
    } finally {
      await database.close();
    }
  });

  it.skipIf(postgresUrl() === '')('runs as `npx tsx src/cli/audit-verify.ts` against DATABASE_URL', async () => {
    const url = await freshPostgresDatabase();
    const db = connectPostgres(url);
    await migrate(db, MIGRATIONS);
    await new SqlAuditLog(db).append(event(1));
    await db.close();
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/audit-verify.ts'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_URL: url },
    });
    expect(stdout).toMatch(/audit chain: 1 rows/);
    expect(stdout).toMatch(/audit trail intact/);
  });
});
