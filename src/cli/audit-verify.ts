#!/usr/bin/env node
/**
 * `npx tsx src/cli/audit-verify.ts [--json]`: walks the audit_log hash chain of the database the
 * service is configured with (DATABASE_URL, or the embedded PostgreSQL in NOTARY_DATA_DIR: through
 * the running service's server, or started for the check when the service is down) and names the
 * first broken row.
 * Exit status: 0 intact, 1 broken, 2 usage or database error.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../adapters/audit/index.js';
import { openDatabase, type Database } from '../adapters/db/open-database.js';
import { MIGRATIONS_DIR } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Io } from './run.js';

export const AUDIT_HELP = `Usage: audit-verify [--json]

Verifies the audit trail's hash chain: every row's hash is SHA-256 over the RFC 8785 form of its
columns (prev_hash included) and every prev_hash is the previous row's hash. Reports the first
altered, inserted or deleted row. Reads DATABASE_URL / NOTARY_DATA_DIR like the service.

Exit status: 0 chain intact, 1 chain broken, 2 usage or database error.`;

export async function runAuditVerify(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let json: boolean;
  try {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help) {
      io.out(AUDIT_HELP);
      return 0;
    }
    json = values.json!;
  } catch (err) {
    io.err(`audit-verify: ${(err as Error).message}\n\n${AUDIT_HELP}`);
    return 2;
  }
  let database: Database | undefined;
  try {
    const config = loadConfig(env);
    database = await openDatabase({
      databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrationsDir: MIGRATIONS_DIR, poolSize: 1, role: 'afdp-notary audit-verify', mode: 'client',
    });
    const result = await verifyAuditChain(database.db);
    if (json) io.out(JSON.stringify(result));
    else if (result.ok) io.out(`audit chain intact: ${result.rows} rows, head ${result.head ?? '(empty)'}`);
    else io.out(`audit chain BROKEN at seq ${result.brokenAt}: ${result.reason} (${result.rows} rows before it verified)`);
    return result.ok ? 0 : 1;
  } catch (err) {
    // config errors never echo values; driver errors may name hosts, which is fine on the operator's terminal
    io.err(`audit-verify: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAuditVerify(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { console.error('audit-verify: unexpected error:', err); process.exitCode = 2; },
  );
}
