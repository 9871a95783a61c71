/**
 * Audit-row retention (NOTARY_RETENTION_AUDIT_DAYS): rows older than the cut-off are purged behind a
 * new, signed and anchored start of the chain (chain-start.ts), so `audit verify` still proves the
 * kept rows are the notary's unbroken history. What is purged is bounded three ways: only up to a
 * head already signed and anchored (every purged row was covered by one), never past a SIEM
 * destination's cursor (less the events a failed connection re-sends), and never the newest row.
 * The rows about to go are checked first: a purge never destroys the evidence of a tampering.
 */
import { verifiesWithKey } from '../../core/signature.js';
import type { KeySigner } from '../../ports/key-signer.js';
import type { TransparencyLog } from '../../ports/transparency-log.js';
import { SIEM_RESEND_WINDOW } from '../siem/audit-stream.js';
import type { SqlClient, SqlQueryable } from '../db/sql-client.js';
import type { AuditChainWriter } from './chain-writer.js';
import { chainStartStatement, insertChainStart, latestChainStart, type ChainStartFacts } from './chain-start.js';
import { checkLink, GENESIS_HASH } from './chain.js';
import { anchorForgery, readAnchors, signAndLog, type AuditAnchor } from './head-anchors.js';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from './rows.js';

const DELETE_ROUND = 10_000;
const CHECK_PAGE = 1000;

/** The rows to purge do not verify: nothing was purged, `audit verify` shows why. */
export class AuditChainBrokenError extends Error {
  readonly code = 'audit_chain_broken';
}

class LostRace extends Error {}

export interface AuditPurgeOptions {
  cutoff: Date;
  retentionDays: number;
  /** rows this close to a SIEM destination's cursor are kept (default: what a failed connection re-sends) */
  siemMargin?: number;
  now?: Date;
}

export interface AuditPurgeResult {
  /** the first row kept after this round (1: nothing purged ever) */
  firstSeq: number;
  /** rows deleted in this round */
  deleted: number;
  /** SIEM destinations whose cursors held the purge back */
  heldBackBy: string[];
}

export async function purgeExpiredAuditRows(
  db: SqlClient,
  chain: AuditChainWriter,
  signer: KeySigner,
  log: TransparencyLog,
  o: AuditPurgeOptions,
): Promise<AuditPurgeResult> {
  const current = (await latestChainStart(db)) ?? { firstSeq: 1, prevHash: GENESIS_HASH };
  const plan = await planBoundary(db, current.firstSeq, o);
  let firstSeq = current.firstSeq;
  let deleted = 0;
  if (plan.anchor) {
    const anchor = plan.anchor;
    await checkRows(db, { seq: current.firstSeq - 1, hash: current.prevHash }, anchor);
    await checkGenuine(anchor, signer, log);
    const purgedThrough = await rowTime(db, anchor.seq);
    const facts: ChainStartFacts = {
      firstSeq: anchor.seq + 1,
      prevHash: anchor.headHash,
      purgedThrough,
      retentionDays: o.retentionDays,
      at: (o.now ?? new Date()).toISOString(),
    };
    const signed = await signAndLog(signer, log, chainStartStatement(facts));
    const won = await chain
      .atomically((planAudit) =>
        db.transaction(async (tx) => {
          const statement = await planAudit(tx, [
            {
              event: 'audit.purged',
              outcome: 'success',
              principal: null,
              details: {
                first_seq: facts.firstSeq,
                purged_from_seq: current.firstSeq,
                purged_rows: facts.firstSeq - current.firstSeq,
                purged_through: purgedThrough,
                retention_days: o.retentionDays,
                cutoff: o.cutoff.toISOString(),
              },
            },
          ]);
          // under the chain's lock: another replica may have purged since the plan (its start stands)
          if (((await latestChainStart(tx))?.firstSeq ?? 1) >= facts.firstSeq) throw new LostRace();
          if (statement) await tx.query(statement.text, statement.params);
          await insertChainStart(tx, facts, signed);
          return true;
        }),
      )
      .catch((err: unknown) => {
        if (err instanceof LostRace) return false;
        throw err;
      });
    if (won) firstSeq = facts.firstSeq;
  }
  // in rounds of their own, each a short transaction (also what an interrupted purge left below the start)
  for (let n = DELETE_ROUND; n === DELETE_ROUND;) {
    n = await deleteBelow(db, firstSeq);
    deleted += n;
  }
  return { firstSeq, deleted, heldBackBy: plan.heldBackBy };
}

/** The newest anchored head at or after the current start, older than the cut-off and behind every SIEM cursor. */
async function planBoundary(db: SqlQueryable, from: number, o: AuditPurgeOptions): Promise<{ anchor?: AuditAnchor; heldBackBy: string[] }> {
  const {
    rows: [keep],
  } = await db.query<{ seq: string | null }>('SELECT min(seq)::text AS seq FROM audit_log WHERE at >= $1::timestamptz', [
    o.cutoff.toISOString(),
  ]);
  const { rows: cursors } = await db.query<{ sink: string; last_seq: string }>('SELECT sink, last_seq::text FROM siem_cursors');
  const margin = o.siemMargin ?? SIEM_RESEND_WINDOW;
  const siemLimit = cursors.length ? Math.min(...cursors.map((c) => Number(c.last_seq))) - margin : Number.MAX_SAFE_INTEGER;
  const byTime = keep?.seq == null ? Number.MAX_SAFE_INTEGER : Number(keep.seq) - 1;
  const {
    rows: [b],
  } = await db.query<{ seq: string | null }>(
    'SELECT max(seq)::text AS seq FROM audit_anchors WHERE seq >= $1::bigint AND seq <= $2::bigint',
    [from, Math.min(byTime, siemLimit)],
  );
  const heldBackBy = siemLimit < byTime ? cursors.filter((c) => Number(c.last_seq) - margin < byTime).map((c) => c.sink) : [];
  if (b?.seq == null) return { heldBackBy };
  return { anchor: (await readAnchors(db, Number(b.seq)))[0], heldBackBy };
}

/** Every row from the current start to the anchor links, and matches every head signed in between. */
async function checkRows(db: SqlQueryable, start: { seq: number; hash: string }, last: AuditAnchor): Promise<void> {
  const { rows: signed } = await db.query<{ seq: string; head_hash: string }>(
    'SELECT seq::text, head_hash FROM audit_anchors WHERE seq > $1::bigint AND seq <= $2::bigint',
    [start.seq, last.seq],
  );
  const heads = new Map(signed.map((a) => [Number(a.seq), a.head_hash]));
  let prev: { seq: number; hash: string } | undefined = start.seq === 0 ? undefined : start;
  for (let after = start.seq; after < last.seq;) {
    const page = (
      await db.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT $3`,
        [after, last.seq, CHECK_PAGE],
      )
    ).rows.map(toRecord);
    if (page.length === 0) throw new AuditChainBrokenError(`audit rows after seq ${after} are missing: nothing purged`);
    for (const row of page) {
      const check = checkLink(prev, row);
      if (!check.ok) throw new AuditChainBrokenError(`audit row ${row.seq} does not verify (${check.reason}): nothing purged`);
      const head = heads.get(row.seq);
      if (head !== undefined && head !== row.hash)
        throw new AuditChainBrokenError(`audit row ${row.seq} is not the head signed there: nothing purged`);
      prev = row;
    }
    after = page.at(-1)!.seq;
  }
}

/** The head the new start rests on was signed with this notary's key (and logged in its log, when it still uses that log). */
async function checkGenuine(anchor: AuditAnchor, signer: KeySigner, log: TransparencyLog): Promise<void> {
  const pem = (await signer.publicKey(anchor.keyVersion))?.publicKeyPem;
  const info = await log.info();
  const forged = !pem
    ? `key version ${anchor.keyVersion} is unknown`
    : anchor.logUrl === info.url
      ? anchorForgery(anchor, {
          signingKey: (v) => (v === anchor.keyVersion ? pem : undefined),
          logPublicKeyPem: info.publicKeyPem,
          logKeyName: info.keyName,
        })
      : verifiesWithKey(Buffer.from(anchor.statement, 'utf8'), pem, Buffer.from(anchor.signature, 'base64'))
        ? undefined
        : 'its signature does not verify';
  if (forged) throw new AuditChainBrokenError(`the audit head at seq ${anchor.seq} is not the notary's (${forged}): nothing purged`);
}

async function rowTime(db: SqlQueryable, seq: number): Promise<string> {
  const { rows } = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq = $1::bigint`, [seq]);
  return toRecord(rows[0]!).at;
}

async function deleteBelow(db: SqlQueryable, firstSeq: number): Promise<number> {
  if (firstSeq <= 1) return 0;
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE seq < $1::bigint ORDER BY seq LIMIT $2) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [firstSeq, DELETE_ROUND],
  );
  return rows[0]!.n;
}
