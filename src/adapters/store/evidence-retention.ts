import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import type { AuditChainWriter } from '../audit/chain-writer.js';
import { sealedOf, type BodyRow } from './evidence-body.js';
import { sha256 } from '../../core/canonical.js';
import { EvidenceIntegrityError } from '../../ports/evidence-cipher.js';
import { runAll } from '../db/statements.js';
import { type SqlClient, type SqlQueryable, type Statement } from '../db/sql-client.js';

const ROUND = 500;

/**
 * Purges the bodies of evidence stored before `cutoff`: ciphertext and wrapped data key are
 * removed (crypto-shredding: the data key existed nowhere else), body_purged_at is set, and one
 * `evidence.purged` audit row per body commits in the same transaction. The clear fields, the
 * signature, the anchor and the log leaf stay, so every receipt still verifies offline. Bodies of
 * workflows still running (an approval waiting for its quorum) are left until they end.
 */
export async function purgeExpiredBodies(
  db: SqlClient,
  audit: AuditChainWriter | undefined,
  cutoff: Date,
  retentionDays: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const purged = await purgeRound(db, audit, cutoff, retentionDays);
    total += purged;
    if (purged < ROUND) return total;
  }
}

function purgeRound(db: SqlClient, audit: AuditChainWriter | undefined, cutoff: Date, retentionDays: number): Promise<number> {
  const work = async (tx: SqlQueryable, plan?: Parameters<Parameters<AuditChainWriter['atomically']>[0]>[0]) => {
    const { rows } = await tx.query<{ hash: string; created_at: Date }>(
      `UPDATE evidence e SET canonical = NULL, body = NULL, body_wrapped_key = NULL, body_purged_at = now()
        WHERE e.hash IN (SELECT hash FROM evidence x WHERE x.body_purged_at IS NULL AND x.created_at < $1
                            AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.evidence_hash = x.hash AND w.status IN ('pending', 'running'))
                          ORDER BY x.created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING e.hash, e.created_at`,
      [cutoff.toISOString(), ROUND],
    );
    if (plan && rows.length > 0) {
      const statement = await plan(
        tx,
        rows.map((r) => ({
          event: 'evidence.purged',
          outcome: 'success' as const,
          principal: null,
          details: { evidence_hash: r.hash, stored_at: new Date(r.created_at).toISOString(), retention_days: retentionDays },
        })),
      );
      if (statement) await tx.query(statement.text, statement.params);
    }
    return rows.length;
  };
  return audit ? audit.atomically((plan) => db.transaction((tx) => work(tx, plan))) : db.transaction((tx) => work(tx));
}

export interface RewrapReport {
  rewrapped: number;
  sealed: number;
  kekVersion: number;
  /** rows whose data key or clear body does not authenticate: left as they are, for an operator to look at */
  refused: string[];
}

/**
 * After a KEK rotation: wraps every data key again with the latest KEK version (the bodies are not
 * re-encrypted), and seals rows still in clear from before issue 22. Idempotent and resumable.
 */
export async function rewrapBodies(db: SqlClient, cipher: EvidenceCipher): Promise<RewrapReport> {
  const report: RewrapReport = { rewrapped: 0, sealed: 0, kekVersion: await cipher.latestVersion(), refused: [] };
  let after = '';
  for (;;) {
    const { rows } = await db.query<BodyRow>(
      `SELECT hash, canonical, body_kek, body_kek_version, body_wrapped_key, body, body_purged_at FROM evidence
        WHERE hash > $1 AND body_purged_at IS NULL ORDER BY hash LIMIT $2`,
      [after, ROUND],
    );
    if (rows.length === 0) return report;
    // the KEK (Vault, maybe) is asked before the transaction, which then only writes
    const updates: Statement[] = [];
    for (const r of rows) {
      try {
        const u = await rewrapRow(cipher, r, report);
        if (u) updates.push(u);
      } catch (err) {
        if (!(err instanceof EvidenceIntegrityError)) throw err;
        report.refused.push(r.hash);
      }
    }
    if (updates.length > 0) await db.transaction((tx) => runAll(tx, updates));
    after = rows[rows.length - 1]!.hash;
  }
}

async function rewrapRow(cipher: EvidenceCipher, r: BodyRow, report: RewrapReport): Promise<Statement | undefined> {
  const sealed = sealedOf(r);
  if (sealed) {
    const next = await cipher.rewrap(r.hash, sealed);
    if (!next) return undefined;
    report.rewrapped++;
    return {
      text: 'UPDATE evidence SET body_kek = $2, body_kek_version = $3, body_wrapped_key = $4 WHERE hash = $1 AND body = $5',
      params: [r.hash, next.kekId, next.kekVersion, next.wrappedKey, sealed.body],
    };
  }
  if (r.canonical === null) return undefined;
  const canonical = Buffer.from(r.canonical, 'utf8');
  if (sha256(canonical).toString('hex') !== r.hash)
    throw new EvidenceIntegrityError(r.hash, "clear body (its SHA-256 is not the row's hash)");
  const s = await cipher.seal(r.hash, canonical);
  report.sealed++;
  return {
    text: 'UPDATE evidence SET canonical = NULL, body_kek = $2, body_kek_version = $3, body_wrapped_key = $4, body = $5 WHERE hash = $1 AND body IS NULL',
    params: [r.hash, s.kekId, s.kekVersion, s.wrappedKey, s.body],
  };
}
