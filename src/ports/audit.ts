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
