/** A receipt's flat log-entry fields as the log entry they describe (no crypto: the console bundles it). */
import type { LogEntry } from '../ports/transparency-log.js';

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const num = (o: Obj, k: string) => (typeof o[k] === 'number' ? (o[k] as number) : undefined);

/**
 * The log's ID. Receipts issued before `transparency_log_id` existed carried it in `rekor_log_id`,
 * which now holds the entry UUID (AFDP's meaning): such a receipt still verifies.
 */
function logIdOf(r: Obj, uuid: string | undefined): string | undefined {
  const id = str(r, 'transparency_log_id');
  if (id !== undefined) return id;
  const legacy = str(r, 'rekor_log_id');
  return legacy !== undefined && legacy !== uuid ? legacy : undefined;
}

/** The receipt's flat log-entry fields as a LogEntry, or undefined if any is missing (pending). */
export function toLogEntry(r: Obj): LogEntry | undefined {
  const proof = r.inclusion_proof as LogEntry['inclusionProof'] | null | undefined;
  const uuid = str(r, 'rekor_entry_uuid');
  const logIndex = num(r, 'log_index');
  const logID = logIdOf(r, uuid);
  const body = str(r, 'rekor_entry_body');
  if (!proof || typeof proof !== 'object' || uuid === undefined || logIndex === undefined || logID === undefined || body === undefined)
    return undefined;
  const entry: LogEntry = { uuid, logIndex, logID, body, inclusionProof: proof };
  // Rekor v2 entries have neither; a v1 entry without them fails its SET check
  const integratedTime = num(r, 'integrated_time');
  const set = str(r, 'signed_entry_timestamp');
  if (integratedTime !== undefined) entry.integratedTime = integratedTime;
  if (set !== undefined) entry.signedEntryTimestamp = set;
  return entry;
}
