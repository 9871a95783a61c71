import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEntry, AuditRecord } from '../../ports/audit.js';

/** prev_hash of the first row */
export const GENESIS_HASH = '0'.repeat(64);

export type { AuditOutcome, AuditRecord } from '../../ports/audit.js';
/** One security-relevant event, as the caller reports it. */
export type AuditEvent = AuditEntry;

/**
 * hash = SHA-256 over the RFC 8785 form of every column except `hash`, prev_hash included: changing,
 * inserting or deleting any row breaks the link from its successor; `seq` makes gaps visible.
 */
export function hashRecord(r: Omit<AuditRecord, 'hash'>): string {
  const { seq, at, event, outcome, principal, details, prev_hash } = r;
  return createHash('sha256').update(canonicalize({ seq, at, event, outcome, principal, details, prev_hash })!, 'utf8').digest('hex');
}

/** Links a batch of events after the current head. */
export function chainEvents(head: { seq: number; hash: string } | undefined, events: AuditEvent[], at: string): AuditRecord[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  return events.map((e) => {
    const row = {
      seq: ++seq,
      at,
      event: e.event,
      outcome: e.outcome,
      principal: e.principal,
      details: canonicalize(e.details) ?? '{}',
      prev_hash: prev,
    };
    prev = hashRecord(row);
    return { ...row, hash: prev };
  });
}

export type ChainCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks one row against its predecessor: undefined for the first row of the chain, or, after a
 * retention purge, the chain start's {seq: first_seq - 1, hash: prev_hash}.
 */
export function checkLink(prev: Pick<AuditRecord, 'seq' | 'hash'> | undefined, row: AuditRecord): ChainCheck {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (row.seq !== expectedSeq)
    return { ok: false, reason: `sequence gap: expected ${expectedSeq}, found ${row.seq} (rows deleted or inserted)` };
  const expectedPrev = prev?.hash ?? GENESIS_HASH;
  if (row.prev_hash !== expectedPrev) return { ok: false, reason: "prev_hash does not match the previous row's hash" };
  if (hashRecord(row) !== row.hash) return { ok: false, reason: "hash does not match the row's content (row altered)" };
  return { ok: true };
}
