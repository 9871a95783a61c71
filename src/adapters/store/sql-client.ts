import type { Statement } from './statements.js';

export { asOneStatement, runAll, type Statement } from './statements.js';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the store needs from a database: queries, multi-statement scripts and transactions. */
export interface SqlClient extends SqlQueryable {
  /** 'embedded' is the server this service supervises and alone writes to (a second service refuses to start) */
  readonly kind: 'postgres' | 'embedded';
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Writes `statements` in order in one transaction (one statement: one round trip). */
  batch(statements: Statement[]): Promise<void>;
  close(): Promise<void>;
}

export { connectPostgres, type PostgresClientOptions } from '../db/pg-client.js';
