import type { AnchorRequest, LogEntry } from '../../ports/transparency-log.js';
import type { SqlQueryable } from './sql-client.js';

export type AppendWithin = (tx: SqlQueryable, requests: AnchorRequest[]) => Promise<LogEntry[]>;

/**
 * A transparency log that lives in the store's own database. The store then anchors each batch in
 * the same transaction that stores it: evidence, signature and log entry commit together, one
 * commit instead of three per batch.
 */
export interface ColocatedLog {
  readonly url: string;
  /** Runs `work` holding the log's lock; if `work` fails, the log forgets what it appended. */
  atomically<T>(work: (append: AppendWithin) => Promise<T>): Promise<T>;
}
