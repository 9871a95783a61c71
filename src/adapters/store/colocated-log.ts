import type { AnchorRequest, LogEntry } from '../../ports/transparency-log.js';
import type { SqlQueryable, Statement } from './sql-client.js';

export type AppendWithin = (tx: SqlQueryable, requests: AnchorRequest[]) => Promise<LogEntry[]>;

/**
 * Appends of fresh signatures without reading the database: the entries, and the statements the
 * caller must commit. Only where this process is the database's one writer, so its cached tree is
 * the whole log.
 */
export type PlanAppend = (requests: AnchorRequest[]) => { entries: LogEntry[]; statements: Statement[] };

/**
 * A transparency log that lives in the store's own database. The store then anchors each batch in
 * the same transaction that stores it: evidence, signature and log entry commit together, one
 * commit instead of three per batch.
 */
export interface ColocatedLog {
  readonly url: string;
  /**
   * Runs `work` holding the log's lock; if `work` fails, the log forgets what it appended.
   * `plan` is there when the log's database has no other writer.
   */
  atomically<T>(work: (append: AppendWithin, plan: PlanAppend | undefined) => Promise<T>): Promise<T>;
}
