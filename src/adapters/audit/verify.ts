import type { SqlQueryable } from '../db/sql-client.js';
import { latestChainStart } from './chain-start.js';
import { checkLink, type AuditRecord } from './chain.js';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from './rows.js';

export type ChainVerification =
  { ok: true; rows: number; head: string | null } | { ok: false; rows: number; brokenAt: number; reason: string };

/**
 * Walks the whole chain in seq order, a page at a time, and names the first row that does not
 * link: altered content, a replaced hash, a deleted or inserted row. What it cannot see is the
 * newest rows cut off the end; compare `head` with a copy kept elsewhere for that. After a retention
 * purge the walk begins at the newest chain start (its signature: verify-anchored.ts).
 */
export async function verifyAuditChain(db: SqlQueryable, pageSize = 1000): Promise<ChainVerification> {
  const start = await latestChainStart(db);
  let prev: Pick<AuditRecord, 'seq' | 'hash'> | undefined = start && { seq: start.firstSeq - 1, hash: start.prevHash };
  let count = 0;
  for (;;) {
    const { rows } = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1::bigint ORDER BY seq LIMIT $2`, [
      prev?.seq ?? 0,
      pageSize,
    ]);
    for (const raw of rows) {
      const row = toRecord(raw);
      const check = checkLink(prev, row);
      if (!check.ok) return { ok: false, rows: count, brokenAt: row.seq, reason: check.reason };
      prev = row;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, rows: count, head: count > 0 ? prev!.hash : null };
  }
}
