#!/usr/bin/env node
/**
 * `afdp-notary audit verify` (also `npx tsx src/cli/audit-verify.ts`): checks the audit trail of the
 * database the service is configured with (DATABASE_URL, or the embedded PostgreSQL in
 * NOTARY_DATA_DIR: through the running service's server, or started for the check) against the heads
 * the notary signed and logged. Exit status: 0 intact, 1 tampered, 2 usage or database error.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { AuditReport } from '../adapters/audit/verify-anchored.js';
import type { Database } from '../adapters/db/open-database.js';
import { ConfigError, loadConfig } from '../config.js';
import { readJsonFile, readState, writeState } from './files.js';
import { InputError, readTrustRoot } from './inputs.js';
import type { Io } from './io.js';

export const AUDIT_HELP = `Usage: afdp-notary audit verify [--trust-root <t.json>] [--state <file>] [--json]

Verifies the audit trail: every row's hash is SHA-256 over the RFC 8785 form of its columns
(prev_hash included), every prev_hash is the previous row's hash, and the chain matches every head
the notary signed with its key and anchored in the transparency log (audit_anchors). Reports
  rewrite        a row changed (even with every later hash recomputed: the signed head no longer matches)
  deletion       a row missing from the chain
  truncation     rows cut off the end (a signed head, or the head an earlier run verified, is beyond it)
  forged_anchor  a head not signed by the notary, or not in its transparency log
  forged_chain_start  a chain start (where retention purged older rows) not signed by the notary,
                 or not in its transparency log
After a retention purge (NOTARY_RETENTION_AUDIT_DAYS) the chain is checked from its newest signed,
anchored start, and the report says how many rows were purged before it and when.
Reads DATABASE_URL / NOTARY_DATA_DIR like the service.

  --trust-root  GET /api/v1/trust-root, kept out of band: the keys anchors must verify with
  --state       a file keeping the newest head verified; the next run must still find it (cut-off
                rows together with their anchors are detected only this way). Updated when intact.
  --json        print the report as JSON

Exit status: 0 intact, 1 tampered, 2 usage or database error.`;

export async function runAuditVerify(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values: { json?: boolean; help?: boolean; 'trust-root'?: string; state?: string };
  try {
    values = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        'trust-root': { type: 'string' },
        state: { type: 'string' },
      },
    }).values;
  } catch (err) {
    io.err(`audit verify: ${(err as Error).message}\n\n${AUDIT_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  let database: Database | undefined;
  try {
    const trust = values['trust-root'] ? readTrustRoot(await readJsonFile(values['trust-root']), values['trust-root']) : undefined;
    const previous = values.state ? await readState<{ seq: number; hash: string; verified_at: string }>(values.state) : undefined;
    const config = loadConfig(env);
    // loaded here, not at the top: `afdp-notary verify` shares this CLI and must not load the service
    const [{ openDatabase }, { MIGRATIONS_DIR }, { verifyAnchoredAudit }] = await Promise.all([
      import('../adapters/db/open-database.js'),
      import('../app.js'),
      import('../adapters/audit/verify-anchored.js'),
    ]);
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrationsDir: MIGRATIONS_DIR,
      poolSize: 1,
      role: 'afdp-notary audit-verify',
      mode: 'client',
    });
    const report = await verifyAnchoredAudit(database.db, {
      previous,
      trust: trust && {
        signingKey: (v) => trust.keys.find((k) => k.version === v)?.publicKeyPem,
        logPublicKeyPem: trust.log.publicKeyPem,
        logKeyName: trust.log.keyName,
      },
    });
    print(report, values.json ?? false, io);
    if (report.ok && values.state && report.last_anchored_seq !== null) {
      const anchor = {
        seq: report.last_anchored_seq,
        hash: await hashAt(database, report.last_anchored_seq),
        verified_at: new Date().toISOString(),
      };
      await writeState(values.state, anchor);
    }
    return report.ok ? 0 : 1;
  } catch (err) {
    // config errors never echo values; driver errors may name hosts, which is fine on the operator's terminal
    io.err(`audit verify: ${err instanceof ConfigError || err instanceof InputError ? err.message : (err as Error).message}`);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
  }
}

async function hashAt(database: Database, seq: number): Promise<string> {
  const { rows } = await database.db.query<{ head_hash: string }>('SELECT head_hash FROM audit_anchors WHERE seq = $1::bigint', [seq]);
  return rows[0]!.head_hash;
}

function print(report: AuditReport, json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify(report));
    return;
  }
  io.out(`audit chain: ${report.rows} rows, head ${report.head ? `seq ${report.head.seq} ${report.head.hash}` : '(empty)'}`);
  const start = report.chain_start;
  io.out(
    start
      ? `chain start: seq ${start.first_seq}, signed and anchored; ${start.purged_rows} older rows purged by retention (the last from ${start.purged_through}), newest purge ${start.purged_at} (${start.purges} purge${start.purges === 1 ? '' : 's'})`
      : 'chain start: genesis (nothing purged)',
  );
  io.out(
    report.last_anchored_seq === null
      ? 'signed heads: none yet'
      : `signed heads: ${report.anchors}, newest at seq ${report.last_anchored_seq} (${report.unanchored_rows} rows after it not signed yet)`,
  );
  for (const p of report.problems) io.out(`✗ ${p.kind} at seq ${p.seq}: ${p.detail}`);
  for (const w of report.warnings) io.out(`! ${w}`);
  io.out(
    report.ok ? 'audit trail intact' : `audit trail TAMPERED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAuditVerify(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error('audit verify: unexpected error:', err);
      process.exitCode = 2;
    },
  );
}
