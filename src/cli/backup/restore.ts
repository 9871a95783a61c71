/**
 * `afdp-notary restore <backup> --data-dir <empty dir> [--database-url <empty database>]`: checks
 * every part against the manifest, refuses a target that holds anything, copies the keyring, builds
 * the schema up to the backup's migrations, loads every table in one transaction, and checks that
 * the restored log's first tree_size leaves hash to the backed-up checkpoint's root. The service's
 * next start applies any newer migrations.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../../adapters/db/open-database.js';
import { publicTables } from '../../adapters/db/table-copy.js';
import type { SqlQueryable } from '../../adapters/db/sql-client.js';
import { MIGRATIONS_DIR } from '../../app.js';
import { MerkleTree } from '../../core/merkle/index.js';
import type { Io } from '../io.js';
import { isEmptyOrAbsent } from './backup.js';
import { loadDatabase, type DatabaseDump } from './dump.js';
import { BackupError, readVerifiedManifest } from './manifest.js';

export const RESTORE_HELP = `Usage: afdp-notary restore <backup dir|file.tar> --data-dir <empty dir> [--database-url <url>]

Restores a backup written by \`afdp-notary backup\`: every part is checked against the manifest's
SHA-256 first. --data-dir (absent or empty) receives the keyring and, without --database-url, the
embedded PostgreSQL; --database-url names an external database with no tables yet (its role must be
allowed to SET session_replication_role, e.g. a superuser). Then start the service on it.

Exit status: 0 restored, 1 the restored log does not match the backed-up checkpoint, 2 usage,
refused target, damaged backup or database error.`;

export async function runRestore(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.err(`afdp-notary restore: ${(err as Error).message}\n\n${RESTORE_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(RESTORE_HELP);
    return 0;
  }
  if (positionals.length !== 1 || !values['data-dir']) {
    io.err(`afdp-notary restore: give one backup and --data-dir\n\n${RESTORE_HELP}`);
    return 2;
  }
  const dataDir = resolve(values['data-dir']);
  const databaseUrl = values['database-url'];
  let unpacked: string | undefined;
  let database: Database | undefined;
  let created = false;
  try {
    let source = resolve(positionals[0]!);
    if ((await stat(source)).isFile()) {
      unpacked = await mkdtemp(join(tmpdir(), 'afdp-restore-'));
      execFileSync('tar', ['-C', unpacked, '-xf', source], { stdio: 'pipe' });
      source = unpacked;
    }
    const manifest = await readVerifiedManifest(source);
    if (!(await isEmptyOrAbsent(dataDir))) throw new BackupError(`${dataDir} is not empty: restore into an empty folder`);
    if (databaseUrl) await refuseNonEmptyDatabase(databaseUrl);
    const migrations = await migrationsUpTo(manifest.dump.migrations);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    created = true;
    if (existsSync(join(source, 'keyring'))) await cp(join(source, 'keyring'), join(dataDir, 'keyring'), { recursive: true });
    database = await openDatabase({ databaseUrl, dataDir, migrationsDir: migrations, poolSize: 1, role: 'afdp-notary restore' });
    await rm(migrations, { recursive: true });
    const counts = await loadDatabase(database.db, source, manifest.dump);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    io.out(
      `restored ${Object.keys(counts).length} tables, ${rows} rows into ${databaseUrl ? 'the database' : `${dataDir}/pg`}; keyring ${existsSync(join(dataDir, 'keyring')) ? 'restored' : 'not in the backup'}`,
    );
    if (manifest.keyring_kek === 'passphrase')
      io.out('the keyring is sealed with a passphrase: start the service with the same NOTARY_KEYRING_PASSPHRASE');
    const check = await checkLog(database.db, manifest.dump.checkpoint);
    io.out(check.message);
    return check.ok ? 0 : 1;
  } catch (err) {
    io.err(`afdp-notary restore: ${(err as Error).message}`);
    await database?.close().catch(() => undefined);
    database = undefined;
    if (created && !databaseUrl) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
  }
}

async function refuseNonEmptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const tables = await publicTables(client as unknown as SqlQueryable);
    if (tables.length)
      throw new BackupError(`the database already has tables (${tables.slice(0, 3).join(', ')}…): restore into an empty database`);
  } finally {
    await client.end();
  }
}

/** A folder with exactly the backup's migrations, so the rows meet the schema they were dumped from. */
async function migrationsUpTo(names: string[]): Promise<string> {
  const missing = names.filter((n) => !existsSync(join(MIGRATIONS_DIR, n)));
  if (missing.length)
    throw new BackupError(
      `the backup's schema has migrations this version does not know (${missing.join(', ')}): restore with the version that wrote it or a newer one`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'afdp-migrations-'));
  for (const n of names) copyFileSync(join(MIGRATIONS_DIR, n), join(dir, n));
  return dir;
}

/** The restored leaves 0..tree_size-1 must hash to the backed-up checkpoint's root (RFC 6962). */
async function checkLog(db: SqlQueryable, checkpoint: DatabaseDump['checkpoint']): Promise<{ ok: boolean; message: string }> {
  if (!checkpoint) return { ok: true, message: 'no embedded-log checkpoint in the backup: nothing to check' };
  const { rows } = await db.query<{ leaf_hash: string }>('SELECT leaf_hash FROM log_leaves WHERE idx < $1 ORDER BY idx', [
    checkpoint.tree_size,
  ]);
  const tree = new MerkleTree(rows.map((r) => Buffer.from(r.leaf_hash, 'hex')));
  const root = tree.size === checkpoint.tree_size ? tree.root().toString('hex') : undefined;
  return root === checkpoint.root_hash
    ? { ok: true, message: `restored log matches the backed-up checkpoint: tree size ${checkpoint.tree_size}, root ${root}` }
    : {
        ok: false,
        message: `restored log does NOT match the backed-up checkpoint (tree size ${checkpoint.tree_size}, ${tree.size} leaves restored)`,
      };
}
