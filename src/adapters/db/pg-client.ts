import { createHash } from 'node:crypto';
import pg from 'pg';
import type { SqlClient, SqlQueryable, Statement } from './sql-client.js';
import { runAll } from './statements.js';
import { asUnavailable, isUnavailable } from './unavailable.js';

export interface PostgresClientOptions {
  poolSize?: number;
  /** 'embedded': this process is the database's only writer (the supervised embedded server) */
  kind?: SqlClient['kind'];
  /** shown in pg_stat_activity */
  applicationName?: string;
  /** how long a new connection may take before the call fails as unavailable (ms) */
  connectTimeoutMs?: number;
}

/**
 * A pooled `pg` client that survives the database going away: every client, idle or checked out,
 * has its 'error' handled (an unhandled one ends the process), a client whose connection broke is
 * destroyed instead of going back to the pool, and connection-class failures reach the caller as
 * NotaryError 'unavailable'. New connections are made as needed, so the pool recovers by itself
 * once the server answers again.
 */
export function connectPostgres(target: string | pg.PoolConfig, options: number | PostgresClientOptions = {}): SqlClient {
  const o = typeof options === 'number' ? { poolSize: options } : options;
  const pool = new pg.Pool({
    ...(typeof target === 'string' ? { connectionString: target } : target),
    max: o.poolSize ?? 10,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
    keepAlive: true,
    application_name: o.applicationName ?? 'afdp-notary',
  });
  pool.on('error', () => undefined); // an idle client dropping: the pool discards it, the next query reports the outage
  // No client is ever without a listener: the pool drops its idle one as it hands a client out, and a
  // transaction adds its own only once pool.connect()'s promise resolved. A session killed in the
  // same read as the reply that freed it has its FATAL emitted in that gap, which with no listener
  // is an uncaught exception that ends the process. It can be ignored here: the client is no longer
  // queryable, so its next query fails as unavailable and its release discards it.
  pool.on('connect', (client) => client.on('error', () => undefined));

  async function transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await pool.connect().catch((err: unknown) => {
      throw asUnavailable(err);
    });
    let broken: unknown;
    const onError = (err: unknown) => {
      broken ??= err;
    }; // the session died while checked out (terminated, server stopped)
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn({ query: (t, p) => client.query(t, p as unknown[]) as never });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!broken && !isUnavailable(err))
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e;
        });
      else broken ??= err;
      throw asUnavailable(err);
    } finally {
      client.removeListener('error', onError);
      client.release(broken ? asError(broken) : undefined); // with an error the pool destroys the client
    }
  }

  return {
    kind: o.kind ?? 'postgres',
    query: (text, params) =>
      pool.query(text, params as unknown[]).catch((err: unknown) => {
        throw asUnavailable(err);
      }) as never,
    exec: async (script) => {
      await pool.query(script).catch((err: unknown) => {
        throw asUnavailable(err);
      });
    },
    transaction,
    // one statement is its own transaction: one round trip instead of BEGIN, statement, COMMIT
    batch: (statements) =>
      statements.length === 1
        ? pool.query(prepared(statements[0]!)).then(
            () => undefined,
            (err: unknown) => {
              throw asUnavailable(err);
            },
          )
        : transaction((tx) => runAll(tx, statements)),
    close: () => pool.end(),
  };
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * A batch's statement as a named prepared statement: its callers (the group commits) build one text
 * per shape of batch whatever its size (`unnestInsert`), so each session parses and plans a text
 * once instead of once per batch. The name is the text's digest: the same text, the same name.
 */
function prepared(s: Statement): pg.QueryConfig {
  const name = createHash('sha256').update(s.text).digest('base64url').slice(0, 22);
  return { name, text: s.text, values: s.params as unknown[] };
}
