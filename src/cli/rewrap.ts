/**
 * `afdp-notary rewrap [--rotate]`: key rotation for evidence encrypted at rest (issue 22). With
 * --rotate, adds a KEK version first. Then every data key not wrapped by the latest KEK version is
 * wrapped again (bodies are not re-encrypted), and rows stored in clear before encryption existed
 * are sealed. Runs beside the service, like backup; resumable and idempotent.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../adapters/db/open-database.js';
import { AuditChainWriter } from '../adapters/audit/chain-writer.js';
import { KekInUseError, retireOldKeks } from '../adapters/signer/local/kek-retirement.js';
import { VaultEvidenceCipher } from '../adapters/signer/vault/index.js';
import type { EvidenceCipher } from '../ports/evidence-cipher.js';
import { buildEvidenceCipher } from '../wiring/evidence-cipher.js';
import { rewrapBodies } from '../adapters/store/evidence-retention.js';
import { MIGRATIONS_DIR } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Io } from './io.js';

export const REWRAP_HELP = `Usage: afdp-notary rewrap [--rotate] [--retire-old]

Wraps the data key of every stored evidence body with the newest evidence KEK version and seals
bodies stored in clear before encryption at rest existed. The KEK is the local one (in
NOTARY_DATA_DIR/keyring/evidence-keks.json, sealed like the signing keys), or with
NOTARY_VAULT_EVIDENCE_KEY the Vault transit key (transit/rewrap; the data keys never leave Vault in
clear). --rotate first adds a new KEK version (transit/keys/:name/rotate with Vault). Reads
DATABASE_URL / NOTARY_DATA_DIR / NOTARY_KEYRING_PASSPHRASE / VAULT_* like the service; runs while it serves.

--retire-old then destroys the key material of every KEK version older than the newest, once no
stored body is wrapped by one (checked in the database under a lock; refused otherwise), and writes
an evidence.kek_retired audit row. Bodies purged by retention then cannot be recovered from old WAL
or tuple copies with this keyring; backups keep the keyring they were taken with. On the embedded
default it needs the service stopped (the service is then the audit chain's only writer); with
DATABASE_URL it runs beside the service.

Exit status: 0 done, 1 some bodies do not authenticate (named, left as they are) or an old version is
still in use (nothing retired), 2 usage, configuration, key or database error.`;

export async function runRewrap(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        rotate: { type: 'boolean', default: false },
        'retire-old': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    io.err(`afdp-notary rewrap: ${(err as Error).message}\n\n${REWRAP_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(REWRAP_HELP);
    return 0;
  }
  let database: Database | undefined;
  let cipher: EvidenceCipher | undefined;
  try {
    const config = loadConfig(env);
    if (values['retire-old'] && config.vault?.evidenceKey) {
      // Vault keeps the versions of a transit key: old ones are retired there (min_decryption_version, then trim)
      io.err(
        `afdp-notary rewrap: --retire-old retires local KEK versions; with NOTARY_VAULT_EVIDENCE_KEY raise the key's min_decryption_version (transit/keys/${config.vault?.evidenceKey}/config) and trim it (transit/keys/${config.vault?.evidenceKey}/trim) in Vault after this rewrap`,
      );
      return 2;
    }
    cipher = await buildEvidenceCipher(config);
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrationsDir: MIGRATIONS_DIR,
      poolSize: 2,
      role: 'afdp-notary rewrap',
      mode: 'client',
    });
    if (values['retire-old'] && !config.databaseUrl && !database.server) {
      io.err(
        "afdp-notary rewrap: --retire-old writes an audit row: stop the service first (on the embedded default it is the audit chain's only writer)",
      );
      return 2;
    }
    if (values.rotate)
      io.out(`evidence KEK ${cipher instanceof VaultEvidenceCipher ? `${cipher.kekId} ` : ''}rotated to version ${await cipher.rotate()}`);
    const report = await rewrapBodies(database.db, cipher);
    io.out(
      `rewrapped ${report.rewrapped} data keys and sealed ${report.sealed} clear bodies under evidence KEK version ${report.kekVersion}`,
    );
    if (report.refused.length > 0) {
      io.err(
        `afdp-notary rewrap: ${report.refused.length} bodies do not authenticate and were left as they are: ${report.refused.join(', ')}`,
      );
      return 1;
    }
    if (!values['retire-old']) return 0;
    const retired = await retireOldKeks(database.db, new AuditChainWriter(database.db), join(config.dataDir, 'keyring'));
    io.out(
      retired.retired.length === 0
        ? `no evidence KEK version to retire (newest: ${retired.latestVersion})`
        : `retired evidence KEK version${retired.retired.length === 1 ? '' : 's'} ${retired.retired.join(', ')}: key material destroyed (newest: ${retired.latestVersion})`,
    );
    return 0;
  } catch (err) {
    if (err instanceof KekInUseError) {
      io.err(`afdp-notary rewrap: ${err.message}`);
      return 1;
    }
    io.err(`afdp-notary rewrap: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    return 2;
  } finally {
    await database?.close().catch(() => undefined);
    await cipher?.close?.().catch(() => undefined);
  }
}
