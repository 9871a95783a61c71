/**
 * `afdp-notary rewrap [--rotate]`: key rotation for evidence encrypted at rest (issue 22). With
 * --rotate, adds a KEK version first. Then every data key not wrapped by the latest KEK version is
 * wrapped again (bodies are not re-encrypted), and rows stored in clear before encryption existed
 * are sealed. Runs beside the service, like backup; resumable and idempotent.
 */
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../adapters/db/open-database.js';
import { VaultEvidenceCipher } from '../adapters/signer/vault/index.js';
import type { EvidenceCipher } from '../ports/evidence-cipher.js';
import { buildEvidenceCipher } from '../wire-evidence-cipher.js';
import { rewrapBodies } from '../adapters/store/evidence-retention.js';
import { MIGRATIONS_DIR } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Io } from './run.js';

export const REWRAP_HELP = `Usage: afdp-notary rewrap [--rotate]

Wraps the data key of every stored evidence body with the newest evidence KEK version and seals
bodies stored in clear before encryption at rest existed. The KEK is the local one (in
NOTARY_DATA_DIR/keyring/evidence-keks.json, sealed like the signing keys), or with
NOTARY_VAULT_EVIDENCE_KEY the Vault transit key (transit/rewrap; the data keys never leave Vault in
clear). --rotate first adds a new KEK version (transit/keys/:name/rotate with Vault). Reads
DATABASE_URL / NOTARY_DATA_DIR / NOTARY_KEYRING_PASSPHRASE / VAULT_* like the service; runs while it serves.

Exit status: 0 done, 1 some bodies do not authenticate (named, left as they are), 2 usage, configuration, key or database error.`;

export async function runRewrap(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { rotate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } }).values;
  } catch (err) {
    io.err(`afdp-notary rewrap: ${(err as Error).message}\n\n${REWRAP_HELP}`);
    return 2;
  }
  if (values.help) { io.out(REWRAP_HELP); return 0; }
  let database: Database | undefined;
  let cipher: EvidenceCipher | undefined;
  try {
    const config = loadConfig(env);
    cipher = await buildEvidenceCipher(config);
    if (values.rotate) io.out(`evidence KEK ${cipher instanceof VaultEvidenceCipher ? `${cipher.kekId} ` : ''}rotated to version ${await cipher.rotate()}`);
    database = await openDatabase({
      databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrationsDir: MIGRATIONS_DIR, poolSize: 1, role: 'afdp-notary rewrap', mode: 'client',
    });
    const report = await rewrapBodies(database.db, cipher);
    io.out(`rewrapped ${report.rewrapped} data keys and sealed ${report.sealed} clear bodies under evidence KEK version ${report.kekVersion}`);
    if (report.refused.length === 0) return 0;
    io.err(`afdp-notary rewrap: ${report.refused.length} bodies do not authenticate and were left as they are: ${report.refused.join(', ')}`);
    return 1;
  } catch (err) {
    io.err(`afdp-notary rewrap: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
    await cipher?.close?.().catch(() => undefined);
  }
}
