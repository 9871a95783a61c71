/** One parameterized SQL statement, built before it is sent (so a batch can go in one message). */
export interface Statement {
  text: string;
  params: unknown[];
}

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the store, the embedded log and the other writers need from a database: queries, multi-statement scripts and transactions. */
export interface SqlClient extends SqlQueryable {
  /** 'embedded' is the server this service supervises and alone writes to (a second service refuses to start) */
  readonly kind: 'postgres' | 'embedded';
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Writes `statements` in order in one transaction. One statement: one round trip, prepared once per
   * session (named by its text), so its texts must come from a small set, as `unnestInsert` makes them.
   */
  batch(statements: Statement[]): Promise<void>;
  close(): Promise<void>;
}
