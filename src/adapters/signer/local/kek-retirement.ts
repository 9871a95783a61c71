/**
 * Retiring old evidence KEK versions (issue 22): once `afdp-notary rewrap` has moved every data key
 * to the newest version, the older versions' key material is destroyed in evidence-keks.json (the
 * version keeps a tombstone, so numbering goes on). A body purged by retention whose ciphertext and
 * wrapped key survive in old WAL segments or tuple versions is then unrecoverable from this
 * keyring; a backup made before keeps the keyring it was taken with, and opens its own rows.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditChainWriter } from '../../audit/chain-writer.js';
import type { SqlClient } from '../../db/sql-client.js';
import { EVIDENCE_KEKS_FILE, type KekFile } from './evidence-cipher.js';

/** Some stored bodies are still wrapped by a version to retire: nothing was retired. */
export class KekInUseError extends Error {
  readonly code = 'kek_in_use';
  constructor(readonly inUse: { version: number; rows: number }[]) {
    super(
      `evidence KEK versions still wrap stored bodies (${inUse.map((u) => `v${u.version}: ${u.rows} rows`).join(', ')}): run afdp-notary rewrap first`,
    );
    this.name = 'KekInUseError';
  }
}

export interface RetireReport {
  kekId: string;
  latestVersion: number;
  /** versions whose key material was destroyed now */
  retired: number[];
}

/**
 * Destroys every KEK version older than the newest that still has key material, unless a stored
 * body is wrapped by one of them. The check and the change run in one transaction holding a SHARE
 * lock on evidence (no body is sealed, re-wrapped or purged meanwhile), write an
 * `evidence.kek_retired` audit row and record the versions in evidence_kek_retired, after which
 * the database refuses any body wrapped by them (a seal made just before, still queued in a group
 * commit, fails instead of storing a body nobody can open). The file is replaced (atomic rename)
 * before the commit.
 */
export async function retireOldKeks(
  db: SqlClient,
  chain: AuditChainWriter,
  keyringDir: string,
  now: () => Date = () => new Date(),
): Promise<RetireReport> {
  const path = join(keyringDir, EVIDENCE_KEKS_FILE);
  // the table lock first, the chain's lock (taken when planning) second: the order notarizations take them in
  return chain.atomically((plan) =>
    db.transaction(async (tx) => {
      await tx.query('LOCK TABLE evidence IN SHARE MODE');
      const file = JSON.parse(readFileSync(path, 'utf8')) as KekFile;
      const latestVersion = file.keys.length;
      const old = file.keys.filter((k) => k.key && k.version < latestVersion).map((k) => k.version);
      const report = { kekId: file.kekId, latestVersion, retired: old };
      if (old.length === 0) return report;
      const { rows } = await tx.query<{ version: number; rows: number }>(
        `SELECT body_kek_version AS version, count(*)::int AS rows FROM evidence
        WHERE body_wrapped_key IS NOT NULL AND body_kek = $1 AND body_kek_version = ANY($2::int[]) GROUP BY 1 ORDER BY 1`,
        [file.kekId, old],
      );
      if (rows.length > 0) throw new KekInUseError(rows);
      const statement = await plan(tx, [
        {
          event: 'evidence.kek_retired',
          outcome: 'success',
          principal: null,
          details: { kek_id: file.kekId, versions: old, latest_version: latestVersion },
        },
      ]);
      if (statement) await tx.query(statement.text, statement.params);
      // from the commit on, the database refuses a body wrapped by these versions (migration 013)
      await tx.query('INSERT INTO evidence_kek_retired (kek_id, version) SELECT $1, unnest($2::int[])', [file.kekId, old]);
      const retiredAt = now().toISOString();
      const next: KekFile = {
        ...file,
        keys: file.keys.map((k) => (old.includes(k.version) ? { version: k.version, createdAt: k.createdAt, retiredAt } : k)),
      };
      const tmp = `${path}.${process.pid}.retire.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
      renameSync(tmp, path);
      return report;
    }),
  );
}
