import type { SqlQueryable } from '../db/sql-client.js';
import { checkLink, type AuditRecord } from './chain.js';
import { chainStartForgery, readChainStarts, type ChainStart } from './chain-start.js';
import { anchorForgery, readAnchors, type AnchorTrust, type AuditAnchor } from './head-anchors.js';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from './rows.js';

export type TamperKind = 'rewrite' | 'deletion' | 'truncation' | 'forged_anchor' | 'forged_chain_start';

export interface AuditProblem {
  kind: TamperKind;
  seq: number;
  detail: string;
}

/** What a run verified, kept between runs (--state): later runs must still find it. */
export interface VerifiedHead {
  seq: number;
  hash: string;
  verified_at: string;
}

/** Where the chain starts after retention purges: the rows before it are gone, on purpose. */
export interface ChainStartReport {
  first_seq: number;
  /** rows purged before first_seq, over every purge */
  purged_rows: number;
  /** `at` of the last row purged */
  purged_through: string;
  /** when the newest start was written */
  purged_at: string;
  /** purges so far (signed starts) */
  purges: number;
}

export interface AuditReport {
  ok: boolean;
  /** null: the chain starts at genesis (seq 1), nothing was ever purged */
  chain_start: ChainStartReport | null;
  rows: number;
  head: { seq: number; hash: string } | null;
  anchors: number;
  last_anchored_seq: number | null;
  /** rows after the newest signed head: protected by the chain and the database only, until the next anchor */
  unanchored_rows: number;
  problems: AuditProblem[];
  warnings: string[];
}

const MAX_PROBLEMS = 100;

/**
 * Checks every row against its predecessor and the chain against every signed head: an edited row
 * (rewrite), a missing one (deletion), rows cut off the end (truncation), an anchor the notary did
 * not sign (forged_anchor). Editing a row and recomputing every later hash keeps the links whole,
 * but no longer matches the head signed after it. Cutting rows together with their anchors is seen
 * against `previous`, the head an earlier run verified.
 */
export async function verifyAnchoredAudit(
  db: SqlQueryable,
  options: { trust?: AnchorTrust; previous?: VerifiedHead; pageSize?: number } = {},
): Promise<AuditReport> {
  const anchors = await readAnchors(db);
  const starts = await readChainStarts(db);
  const start = starts.at(-1);
  // the walk begins after the newest start's last purged row, or at genesis
  const origin = start ? { seq: start.firstSeq - 1, hash: start.prevHash } : undefined;
  const wanted = new Set([...anchors.map((a) => a.seq), ...(options.previous ? [options.previous.seq] : [])]);
  const walk = await walkChain(db, wanted, options.pageSize ?? 1000, origin);
  const problems = [...startProblems(starts, anchors, options.trust), ...walk.problems];
  const warnings: string[] = [];
  const firstKept = origin?.seq ?? 0;
  const lastSeq = walk.head?.seq ?? firstKept;
  if (start && !walk.head)
    problems.push({
      kind: 'truncation',
      seq: start.firstSeq,
      detail: `no row from the chain start at seq ${start.firstSeq} on, yet the purge's own audit row follows it: rows were cut off`,
    });
  for (const anchor of anchors) {
    const forged = options.trust ? anchorForgery(anchor, options.trust) : undefined;
    if (forged)
      problems.push({
        kind: 'forged_anchor',
        seq: anchor.seq,
        detail: `the head anchored at seq ${anchor.seq} is not the notary's: ${forged}`,
      });
    else if (anchor.seq > firstKept) problems.push(...headProblems(anchor.seq, anchor.headHash, walk.hashes, lastSeq, 'signed'));
    // heads at or below the start: their rows were purged; the start was checked against its head above
  }
  const previous = options.previous;
  if (previous) {
    if (previous.seq > firstKept)
      problems.push(...headProblems(previous.seq, previous.hash, walk.hashes, lastSeq, 'verified by an earlier run'));
    else if (previous.seq === firstKept && previous.hash !== origin!.hash) {
      problems.push({
        kind: 'rewrite',
        seq: previous.seq,
        detail: `the chain start does not rest on the head at seq ${previous.seq} that an earlier run verified`,
      });
    }
    if (!anchors.some((a) => a.seq === previous.seq && a.headHash === previous.hash)) {
      problems.push({
        kind: 'truncation',
        seq: previous.seq,
        detail: `the signed head at seq ${previous.seq} that an earlier run verified is gone from audit_anchors`,
      });
    }
  } else {
    warnings.push('no --state from an earlier run: rows cut off together with their anchors are not detectable in this run');
  }
  if (!options.trust)
    warnings.push(
      'no --trust-root: anchors and chain starts were compared with the rows but their signatures and log entries were not checked',
    );
  const last = anchors.at(-1);
  return {
    ok: problems.length === 0,
    chain_start: start ? startReport(start, starts.length) : null,
    rows: walk.rows,
    head: walk.head,
    anchors: anchors.length,
    last_anchored_seq: last?.seq ?? null,
    unanchored_rows: Math.max(0, lastSeq - Math.max(last?.seq ?? 0, firstKept)),
    problems: problems.slice(0, MAX_PROBLEMS),
    warnings,
  };
}

/** Every start must be the notary's and rest on the head it signed just before it. */
function startProblems(starts: ChainStart[], anchors: AuditAnchor[], trust: AnchorTrust | undefined): AuditProblem[] {
  const heads = new Map(anchors.map((a) => [a.seq, a.headHash]));
  const problems: AuditProblem[] = [];
  for (const s of starts) {
    const forged = chainStartForgery(s, trust);
    const head = heads.get(s.firstSeq - 1);
    if (forged)
      problems.push({
        kind: 'forged_chain_start',
        seq: s.firstSeq,
        detail: `the chain start at seq ${s.firstSeq} is not the notary's: ${forged}`,
      });
    else if (head === undefined)
      problems.push({
        kind: 'deletion',
        seq: s.firstSeq - 1,
        detail: `the signed head the chain start at seq ${s.firstSeq} rests on is gone from audit_anchors`,
      });
    else if (head !== s.prevHash)
      problems.push({
        kind: 'rewrite',
        seq: s.firstSeq - 1,
        detail: `the chain start at seq ${s.firstSeq} does not rest on the head signed at seq ${s.firstSeq - 1}`,
      });
  }
  return problems;
}

const startReport = (s: ChainStart, purges: number): ChainStartReport => ({
  first_seq: s.firstSeq,
  purged_rows: s.purgedRows,
  purged_through: s.purgedThrough,
  purged_at: s.createdAt,
  purges,
});

function headProblems(seq: number, hash: string, hashes: Map<number, string>, lastSeq: number, how: string): AuditProblem[] {
  if (seq > lastSeq)
    return [
      { kind: 'truncation', seq, detail: `the chain ends at seq ${lastSeq} but the head at seq ${seq} was ${how}: rows were cut off` },
    ];
  const found = hashes.get(seq);
  if (found === undefined) return [{ kind: 'deletion', seq, detail: `row ${seq}, whose hash was ${how}, is gone` }];
  if (found !== hash)
    return [{ kind: 'rewrite', seq, detail: `rows up to seq ${seq} were changed, inserted or deleted after the head there was ${how}` }];
  return [];
}

/** In seq order, a page at a time: every broken link, and the hashes at the seqs in `wanted`. */
async function walkChain(db: SqlQueryable, wanted: Set<number>, pageSize: number, origin: { seq: number; hash: string } | undefined) {
  const problems: AuditProblem[] = [];
  const hashes = new Map<number, string>();
  let prev: Pick<AuditRecord, 'seq' | 'hash'> | undefined = origin;
  let rows = 0;
  for (;;) {
    const page = (
      await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1::bigint ORDER BY seq LIMIT $2`, [
        prev?.seq ?? 0,
        pageSize,
      ])
    ).rows.map(toRecord);
    for (const row of page) {
      const check = checkLink(prev, row);
      if (!check.ok && problems.length < MAX_PROBLEMS) {
        const gap = row.seq !== (prev?.seq ?? 0) + 1;
        problems.push({ kind: gap ? 'deletion' : 'rewrite', seq: row.seq, detail: check.reason });
      }
      if (wanted.has(row.seq)) hashes.set(row.seq, row.hash);
      prev = row;
      rows++;
    }
    if (page.length < pageSize) return { problems, hashes, rows, head: rows > 0 && prev ? { seq: prev.seq, hash: prev.hash } : null };
  }
}

export type { AuditAnchor };
