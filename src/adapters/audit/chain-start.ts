/**
 * The audit chain's start after a retention purge: a statement naming the first row kept and the
 * hash of the last row purged, signed with the notary's key and logged in the transparency log like
 * the heads in audit_anchors. `audit verify` walks the chain from the newest start instead of from
 * genesis; a writer who cuts rows off the start cannot produce one (migration 012).
 */
import canonicalize from 'canonicalize';
import type { SqlQueryable } from '../db/sql-client.js';
import {
  SIGNED_STATEMENT_COLUMNS,
  signatureForgery,
  signedStatementOf,
  signedStatementParams,
  type AnchorTrust,
  type SignedStatement,
  type SignedStatementRow,
} from './head-anchors.js';

export const AUDIT_CHAIN_START_TYPE = 'afdp-notary/audit-chain-start/v1';

export interface ChainStartFacts {
  /** the first row kept */
  firstSeq: number;
  /** hash of row firstSeq - 1, the last one purged: the first kept row's prev_hash */
  prevHash: string;
  /** `at` of the last row purged (ISO 8601) */
  purgedThrough: string;
  retentionDays: number;
  /** when the purge was decided (ISO 8601) */
  at: string;
}

export interface ChainStart extends SignedStatement {
  firstSeq: number;
  prevHash: string;
  /** every row below firstSeq, over all purges */
  purgedRows: number;
  purgedThrough: string;
  createdAt: string;
}

export function chainStartStatement(f: ChainStartFacts): string {
  return canonicalize({
    type: AUDIT_CHAIN_START_TYPE,
    first_seq: f.firstSeq,
    prev_hash: f.prevHash,
    purged_rows: f.firstSeq - 1,
    purged_through: f.purgedThrough,
    retention_days: f.retentionDays,
    at: f.at,
  })!;
}

export async function insertChainStart(tx: SqlQueryable, facts: ChainStartFacts, signed: SignedStatement): Promise<void> {
  await tx.query(
    `INSERT INTO audit_chain_starts (first_seq, prev_hash, purged_rows, purged_through, ${SIGNED_STATEMENT_COLUMNS})
     VALUES ($1::bigint, $2, $3::bigint, $4::timestamptz, $5, $6, $7, $8, $9, $10)`,
    [facts.firstSeq, facts.prevHash, facts.firstSeq - 1, facts.purgedThrough, ...signedStatementParams(signed)],
  );
}

export async function readChainStarts(db: SqlQueryable): Promise<ChainStart[]> {
  const { rows } = await db.query<
    SignedStatementRow & {
      first_seq: string;
      prev_hash: string;
      purged_rows: string;
      purged_through: Date | string;
      created_at: Date | string;
    }
  >(
    `SELECT first_seq::text, prev_hash, purged_rows::text, purged_through, ${SIGNED_STATEMENT_COLUMNS}, created_at
       FROM audit_chain_starts ORDER BY audit_chain_starts.first_seq`,
  );
  return rows.map((r) => ({
    firstSeq: Number(r.first_seq),
    prevHash: r.prev_hash,
    purgedRows: Number(r.purged_rows),
    purgedThrough: new Date(r.purged_through).toISOString(),
    ...signedStatementOf(r),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** The newest start's position, or undefined before the first purge. */
export async function latestChainStart(db: SqlQueryable): Promise<{ firstSeq: number; prevHash: string } | undefined> {
  const { rows } = await db.query<{ first_seq: string; prev_hash: string }>(
    'SELECT first_seq::text, prev_hash FROM audit_chain_starts ORDER BY first_seq DESC LIMIT 1',
  );
  return rows[0] && { firstSeq: Number(rows[0].first_seq), prevHash: rows[0].prev_hash };
}

/** Why a chain start is not the notary's (its statement, signature or log entry), or undefined when it is. */
export function chainStartForgery(start: ChainStart, trust: AnchorTrust | undefined): string | undefined {
  let s: { type?: unknown; first_seq?: unknown; prev_hash?: unknown; purged_rows?: unknown; purged_through?: unknown };
  try {
    s = JSON.parse(start.statement) as typeof s;
  } catch {
    return 'its statement is not JSON';
  }
  if (
    s.type !== AUDIT_CHAIN_START_TYPE ||
    s.first_seq !== start.firstSeq ||
    s.prev_hash !== start.prevHash ||
    s.purged_rows !== start.purgedRows ||
    typeof s.purged_through !== 'string' ||
    new Date(s.purged_through).getTime() !== new Date(start.purgedThrough).getTime()
  ) {
    return 'its statement does not name this start';
  }
  return trust ? signatureForgery(start, trust) : undefined;
}
