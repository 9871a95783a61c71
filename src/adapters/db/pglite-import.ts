import { existsSync, renameSync } from 'node:fs';
import { migrate } from '../store/migrate.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';
import { ident, resetSequences } from './table-copy.js';

type Log = (obj: object, msg: string) => void;

/** 8 KB heap pages copied per round trip: a few MB of rows at a time, whatever the folder's size */
const PAGES_PER_CHUNK = 256;

/**
 * One-time import of a data folder written by versions that stored everything in PGlite
 * (NOTARY_DATA_DIR/pgdata): PGlite's files are PostgreSQL 17 compiled to WASM, which the embedded
 * PostgreSQL 18 cannot open, so PGlite itself reads them (its only remaining use). The old folder
 * is first brought to today's schema, then every table is copied in one transaction, row for row
 * (row_to_json → json_populate_recordset keeps every type), and the counts are compared. The old
 * folder is then renamed to pgdata.imported-<time>, kept until the operator deletes it. A marker
 * row committed with the copy makes a crash between commit and rename harmless.
 */
export async function importPgliteFolder(
  oldDir: string,
  target: SqlClient,
  migrationsDir: string,
  log: Log,
): Promise<Record<string, number> | undefined> {
  if (!existsSync(oldDir)) return undefined;
  await target.exec(
    'CREATE TABLE IF NOT EXISTS pglite_imports (folder text PRIMARY KEY, imported_at timestamptz NOT NULL DEFAULT now(), row_counts jsonb NOT NULL)',
  );
  const done = await target.query<{ row_counts: Record<string, number> }>('SELECT row_counts FROM pglite_imports WHERE folder = $1', [
    oldDir,
  ]);
  if (done.rows[0]) {
    moveAside(oldDir, log);
    return done.rows[0].row_counts;
  }
  log({ folder: oldDir }, 'importing the PGlite data folder of an earlier version into the embedded PostgreSQL (once)');
  const { PGlite } = await import('@electric-sql/pglite');
  const source = await PGlite.create(oldDir);
  try {
    await migrate(pgliteClient(source), migrationsDir);
    const tables = (
      await source.query<{ t: string }>(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename",
      )
    ).rows.map((r) => r.t);
    const counts: Record<string, number> = {};
    await target.transaction(async (tx) => {
      // parents and children arrive in any order; the counts are checked below instead
      await tx.query("SET LOCAL session_replication_role = 'replica'");
      for (const t of tables) counts[t] = await copyTable(source, tx, t);
      for (const t of tables) {
        const { rows } = await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${ident(t)}`);
        if (Number(rows[0]!.n) !== counts[t])
          throw new Error(`import of ${t}: copied ${counts[t]} rows but the table holds ${rows[0]!.n}: is the new database not empty?`);
      }
      await resetSequences(tx);
      await tx.query('INSERT INTO pglite_imports (folder, row_counts) VALUES ($1, $2)', [oldDir, JSON.stringify(counts)]);
    });
    log({ folder: oldDir, rows: counts }, 'PGlite data folder imported');
    await source.close();
    moveAside(oldDir, log);
    return counts;
  } finally {
    if (!source.closed) await source.close().catch(() => undefined);
  }
}

async function copyTable(source: PgliteLike, tx: SqlQueryable, table: string): Promise<number> {
  const pages = Number(
    (await source.query<{ n: string }>(`SELECT (pg_relation_size('${ident(table)}') / current_setting('block_size')::int)::text AS n`))
      .rows[0]!.n,
  );
  let copied = 0;
  for (let from = 0; from < pages; from += PAGES_PER_CHUNK) {
    // a TID range scan reads just these pages
    const { rows } = await source.query<{ r: string }>(
      `SELECT coalesce(json_agg(t), '[]')::text AS r FROM ${ident(table)} t WHERE ctid >= '(${from},0)'::tid AND ctid < '(${from + PAGES_PER_CHUNK},0)'::tid`,
    );
    const json = rows[0]!.r;
    if (json === '[]') continue;
    const res = await tx.query<{ n: string }>(
      `WITH ins AS (INSERT INTO ${ident(table)} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${ident(table)}, $1::json) RETURNING 1)
       SELECT count(*)::text AS n FROM ins`,
      [json],
    );
    copied += Number(res.rows[0]!.n);
  }
  return copied;
}

function moveAside(oldDir: string, log: Log): void {
  const aside = `${oldDir}.imported-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(oldDir, aside);
  log({ keptAt: aside }, 'the imported PGlite folder was kept beside the data: delete it once the import is checked');
}

interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(script: string): Promise<unknown>;
  transaction<T>(fn: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Enough of SqlClient for migrate() to bring the old folder to today's schema. */
function pgliteClient(db: PgliteLike): SqlClient {
  return {
    kind: 'embedded',
    query: (text, params) => db.query(text, params),
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
    batch: async () => {
      throw new Error('not used');
    },
    close: () => db.close(),
  };
}
