import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the store needs from a database: queries, multi-statement scripts and transactions. */
export interface SqlClient extends SqlQueryable {
  readonly kind: 'postgres' | 'pglite';
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function connectPostgres(url: string, poolSize = 10): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client dropping must not crash the process; the next query reports it
  return {
    kind: 'postgres',
    query: (text, params) => pool.query(text, params as unknown[]) as never,
    exec: async (script) => {
      await pool.query(script);
    },
    async transaction(fn) {
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
    },
    close: () => pool.end(),
  };
}

/** PGlite: real Postgres compiled to WASM, in-process; one connection, so transactions serialize. */
export async function openPglite(dataDir: string | undefined): Promise<SqlClient> {
  const db = await PGlite.create(dataDir);
  return {
    kind: 'pglite',
    query: (text, params) => db.query(text, params) as never,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (fn) => db.transaction((tx) => fn({ query: (t, p) => tx.query(t, p) as never })),
    close: () => db.close(),
  };
}
