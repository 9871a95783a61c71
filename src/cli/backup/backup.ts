/**
 * `afdp-notary backup --out <dir|file.tar>`: a consistent snapshot of what a restore needs — the
 * database (one REPEATABLE READ snapshot, see dump.ts), the newest signed checkpoint of that
 * snapshot, the trust root, and the local keyring (sealed keys and the key that unseals them, as the
 * data folder keeps them) — with a manifest holding the SHA-256 of every part. Runs beside the
 * service (through its embedded server, or DATABASE_URL) without stopping it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../../adapters/db/open-database.js';
import { MIGRATIONS_DIR } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { packageVersion } from '../../version.js';
import type { Io } from '../io.js';
import { dumpDatabase } from './dump.js';
import { BackupError, writeManifest } from './manifest.js';

export const BACKUP_HELP = `Usage: afdp-notary backup --out <dir|file.tar> [--url <service url>]

Writes a consistent backup while the service runs: every table of one database snapshot, the newest
signed checkpoint of the embedded log, the trust root (GET <url>/api/v1/trust-root), the local
keyring folder, and manifest.json with the SHA-256 of each part. Reads DATABASE_URL /
NOTARY_DATA_DIR like the service. --out must not exist or be empty; a name ending in .tar writes one
tar file. --url defaults to NOTARY_PUBLIC_URL.

Exit status: 0 written, 2 usage, configuration or database error.`;

export async function runBackup(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }).values;
  } catch (err) {
    io.err(`afdp-notary backup: ${(err as Error).message}\n\n${BACKUP_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(BACKUP_HELP);
    return 0;
  }
  if (!values.out) {
    io.err(`afdp-notary backup: missing --out\n\n${BACKUP_HELP}`);
    return 2;
  }
  const out = resolve(values.out);
  const tar = out.endsWith('.tar');
  const dir = tar ? `${out}.partial` : out;
  let database: Database | undefined;
  let created = false;
  try {
    const config = loadConfig(env);
    if (tar ? existsSync(out) || existsSync(dir) : !(await isEmptyOrAbsent(dir)))
      throw new BackupError(`${tar ? out : dir} already exists: back up into a new path`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    created = true;
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrationsDir: MIGRATIONS_DIR,
      poolSize: 1,
      role: 'afdp-notary backup',
      mode: 'client',
    });
    const dump = await dumpDatabase(database.db, dir);
    if (dump.checkpoint) await writeFile(join(dir, 'checkpoint.txt'), dump.checkpoint.note, { mode: 0o600 });
    // after the snapshot: keys and trust root only grow, so they cover every signature in it
    await writeFile(join(dir, 'trust-root.json'), await fetchTrustRoot(values.url ?? config.publicUrl), { mode: 0o600 });
    const keyring = join(config.dataDir, 'keyring');
    // with Vault signing the folder still holds the evidence KEKs (issue 22)
    if (existsSync(keyring)) await cp(keyring, join(dir, 'keyring'), { recursive: true });
    const manifest = await writeManifest(dir, {
      created_at: new Date().toISOString(),
      notary_version: packageVersion(),
      database: config.databaseUrl ? 'external' : 'embedded',
      signer: config.vault ? 'vault' : config.pkcs11 ? 'pkcs11' : 'local',
      keyring_kek: config.vault ? undefined : config.keyringPassphrase ? 'passphrase' : 'key file',
      dump,
    });
    if (tar) {
      execFileSync('tar', ['-C', dir, '-cf', out, '.'], { stdio: 'pipe' });
      await rm(dir, { recursive: true });
    }
    const rows = Object.values(dump.tables).reduce((n, t) => n + t.rows, 0);
    io.out(
      `backup written to ${out}: ${Object.keys(dump.tables).length} tables, ${rows} rows, checkpoint at tree size ${dump.checkpoint?.tree_size ?? 0}, ${Object.keys(manifest.parts).length} parts`,
    );
    if (manifest.keyring_kek === 'passphrase')
      io.out('the keyring is sealed with NOTARY_KEYRING_PASSPHRASE: keep the passphrase with the backup (not in it)');
    if (manifest.signer === 'vault') io.out('signing keys are in Vault: back Vault up too (README, "Backup and restore")');
    if (manifest.signer === 'pkcs11')
      io.out('signing keys are in the HSM and never leave it: back the HSM up with its own tools (README, "HSM signing over PKCS#11")');
    return 0;
  } catch (err) {
    io.err(`afdp-notary backup: ${err instanceof ConfigError || err instanceof BackupError ? err.message : (err as Error).message}`);
    // nothing half written stays behind (the path was empty or absent before)
    if (created) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
  }
}

export async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

async function fetchTrustRoot(url: string): Promise<string> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/trust-root`, { signal: AbortSignal.timeout(15_000) }).catch((err: unknown) => {
    throw new BackupError(
      `cannot fetch the trust root from ${url} (${(err as Error).message}): is the service running? pass its address with --url`,
    );
  });
  if (!res.ok) throw new BackupError(`GET ${url}/api/v1/trust-root answered ${res.status}`);
  return `${JSON.stringify(await res.json(), null, 2)}\n`;
}
