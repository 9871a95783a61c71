import pg from 'pg';
import { runAll, type Statement } from './statements.js';

export { asOneStatement, runAll, type Statement } from './statements.js';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the store needs from a database: queries, multi-statement scripts and transactions. */
export interface SqlClient extends SqlQueryable {
  /** 'pglite' is opened by this process alone: nothing else writes to it */
  readonly kind: 'postgres' | 'pglite';
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Writes `statements` in order in one transaction: one round trip to PGlite's thread instead of one per statement. */
  batch(statements: Statement[]): Promise<void>;
  close(): Promise<void>;
}

export function connectPostgres(url: string, poolSize = 10): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client dropping must not crash the process; the next query reports it
  async function transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ query: (t, p) => client.query(t, p as unknown[]) as never });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return {
    kind: 'postgres',
    query: (text, params) => pool.query(text, params as unknown[]) as never,
    exec: async (script) => {
      await pool.query(script);
    },
    transaction,
    batch: (statements) => transaction((tx) => runAll(tx, statements)),
    close: () => pool.end(),
  };
}

export { openPglite } from './pglite/client.js';
