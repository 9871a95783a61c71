import type { AnchorRequest, LogEntry } from '../../ports/transparency-log.js';
import type { SqlQueryable, Statement } from '../db/sql-client.js';

/**
 * Plans appending fresh signatures (new ones cannot be in the log yet, so nothing is looked up):
 * the entries, and the statements that record them, which the caller commits with its own. Where
 * other replicas write the same log, `tx` is the caller's transaction: planning takes the
 * cross-replica lock and catches up in it. An exclusive log plans from its cached tree alone.
 */
export type PlanAppend = (tx: SqlQueryable | undefined, requests: AnchorRequest[]) => Promise<{ entries: LogEntry[]; statements: Statement[] }>;

/**
 * A transparency log that lives in the store's own database. The store then anchors each batch in
 * the same transaction that stores it: evidence, signature and log entry commit together, one
 * commit instead of three per batch.
 */
export interface ColocatedLog {
  readonly url: string;
  /** no other process writes this database (the embedded server): plans need no transaction */
  readonly exclusive: boolean;
  /** Runs `work` holding the log's lock; if `work` fails, the log forgets what it planned. */
  atomically<T>(work: (plan: PlanAppend) => Promise<T>): Promise<T>;
}
