/**
 * Chooses the transparency log (embedded, Rekor v1, Rekor v2) and the timestamp authority
 * (embedded, NOTARY_TSA_URL, none) from the config. Embedded keys are sealed with one
 * key-encryption key, which replicas sharing a database derive alike.
 */
import { scryptSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadKek } from '../adapters/signer/local/key-encryption.js';
import type { SqlClient } from '../adapters/db/sql-client.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../adapters/translog/embedded/index.js';
import { RekorLog } from '../adapters/translog/rekor/index.js';
import { RekorV2Log } from '../adapters/translog/rekor-v2/index.js';
import { EmbeddedTsa } from '../adapters/tsa/embedded/embedded-tsa.js';
import { HttpTsa } from '../adapters/tsa/rfc3161/http-tsa.js';
import type { Config } from '../config.js';
import type { TimestampAuthority } from '../ports/timestamp-authority.js';
import type { TransparencyLog } from '../ports/transparency-log.js';

export interface Transparency {
  /** present when the log is the embedded one (it shares the database and serves its read API) */
  embedded?: EmbeddedLog;
  log: TransparencyLog;
  timestamper?: TimestampAuthority;
}

export async function buildTransparency(config: Config, db: SqlClient, logger: Logger): Promise<Transparency> {
  const kek = once(() => keyEncryptionKey(config));
  const embedded = config.rekor ? undefined : await openEmbeddedLog(config, db, kek());
  const r = config.rekor;
  const log: TransparencyLog = !r
    ? embedded!
    : r.apiVersion === 2
      ? new RekorV2Log({ url: r.url, tilesUrl: r.tilesUrl!, origin: r.origin!, publicKeyPem: r.publicKeyPem! })
      : new RekorLog({ url: r.url, publicKeyPem: r.publicKeyPem, logger });
  const t = config.tsa;
  const timestamper =
    t.mode === 'off'
      ? undefined
      : t.mode === 'remote'
        ? new HttpTsa({ url: t.url, certChainPem: t.certChainPem, logger })
        : await EmbeddedTsa.open({ db, kek: kek(), name: config.logOrigin, policy: t.policyOid });
  return { embedded, log, timestamper };
}

async function openEmbeddedLog(config: Config, db: SqlClient, kek: Buffer): Promise<EmbeddedLog> {
  const key = await loadOrCreateLogKey(db, kek);
  return EmbeddedLog.open({ db, key, origin: config.logOrigin, url: config.publicUrl, exclusive: db.kind === 'embedded' });
}

/**
 * Replicas sharing a database must derive the same key-encryption key: from the passphrase with a
 * fixed salt, or (single instance) from the keyring's key file.
 */
export function keyEncryptionKey(config: Pick<Config, 'dataDir' | 'keyringPassphrase'>): Buffer {
  mkdirSync(join(config.dataDir, 'keyring'), { recursive: true, mode: 0o700 });
  return config.keyringPassphrase
    ? scryptSync(config.keyringPassphrase, 'afdp-notary/log-key/v1', 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
    : loadKek({ keyFile: join(config.dataDir, 'keyring', 'keyring.key') }, { salt: '', N: 0, r: 0, p: 0 });
}

function once<T>(fn: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: fn() }).v;
}
