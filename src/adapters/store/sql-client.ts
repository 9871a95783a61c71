import pg from 'pg';

export interface SqlQueryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Statement {
  text: string;
  params: unknown[];
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

/**
 * Several INSERT/UPDATE statements as one, through data-modifying CTEs: one round trip and one
 * parse. They share a snapshot, so none may read what another writes; foreign keys are checked at
 * the end of the statement, so parent and child rows may go in together.
 */
export function asOneStatement(statements: Statement[]): Statement {
  if (statements.length === 1) return statements[0]!;
  const params: unknown[] = [];
  const texts = statements.map((s) => {
    const offset = params.length;
    params.push(...s.params);
    return s.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = texts.pop()!;
  return { text: `WITH ${texts.map((t, i) => `w${i} AS (${t})`).join(', ')} ${last}`, params };
}

export async function runAll(tx: SqlQueryable, statements: Statement[]): Promise<void> {
  for (const s of statements) await tx.query(s.text, s.params);
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
    batch(statements) {
      return this.transaction((tx) => runAll(tx, statements));
    },
    close: () => pool.end(),
  };
}

export { openPglite } from './pglite/client.js';
