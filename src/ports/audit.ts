export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One security-relevant event, as the caller reports it (adapters/audit links it into the hash chain). */
export interface AuditEntry {
  /** e.g. auth.failure, auth.denied, evidence.created, evidence.read, key.rotated, api_key.created, approval.recorded */
  event: string;
  outcome: AuditOutcome;
  /** the authenticated principal id; null when anonymous or authentication failed */
  principal: string | null;
  /** never credentials: route, status, ids, reasons */
  details: Record<string, unknown>;
}

/** A stored row: the event, its position and its links in the chain. */
export interface AuditRecord {
  seq: number;
  at: string; // ISO 8601, millisecond precision (what a JS Date round-trips through timestamptz exactly)
  event: string;
  outcome: AuditOutcome;
  principal: string | null;
  /** RFC 8785 JSON text, hashed exactly as stored */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  event?: string;
  principal?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
  /** newest first; continue below this seq */
  beforeSeq?: number;
  pageSize: number;
}

/** The audit trail as the doors use it: record without waiting, read newest first. */
export interface AuditLog {
  /** fire-and-forget: a failed append is logged, never thrown at the request */
  record(entry: AuditEntry): void;
  query(q: AuditQuery): Promise<{ items: AuditRecord[]; nextBeforeSeq: number | null }>;
}
