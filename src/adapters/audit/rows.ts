import type { AuditOutcome, AuditRecord } from './chain.js';

export interface AuditRow {
  seq: string | number;
  at: unknown;
  event: string;
  outcome: string;
  principal: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export const AUDIT_COLUMNS = 'seq, at, event, outcome, principal, details, prev_hash, hash';

export const toRecord = (r: AuditRow): AuditRecord => ({
  seq: Number(r.seq),
  at: (r.at instanceof Date ? r.at : new Date(String(r.at))).toISOString(),
  event: r.event,
  outcome: r.outcome as AuditOutcome,
  principal: r.principal,
  details: r.details,
  prev_hash: r.prev_hash,
  hash: r.hash,
});
