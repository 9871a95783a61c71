/**
 * Whole-table copies that keep every type: rows leave as `row_to_json` text and come back through
 * `json_populate_recordset`, so PostgreSQL's own text forms round-trip (bytea, timestamptz to the
 * microsecond, jsonb, numeric). Used by the PGlite import and by `afdp-notary backup/restore`.
 */
import type { SqlQueryable } from './sql-client.js';

export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The service's tables, schema_migrations aside (the schema comes from the migrations). */
export async function publicTables(q: SqlQueryable): Promise<string[]> {
  const { rows } = await q.query<{ t: string }>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename",
  );
  return rows.map((r) => r.t);
}

/** Columns a row can be written with (generated columns are computed, not inserted). */
export async function writableColumns(q: SqlQueryable, table: string): Promise<string[]> {
  const { rows } = await q.query<{ c: string }>(
    `SELECT attname AS c FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [ident(table)],
  );
  return rows.map((r) => r.c);
}

/** Inserts rows (JSON objects as row_to_json wrote them) into `table`, only `columns`; returns the count. */
export async function insertRows(tx: SqlQueryable, table: string, columns: string[], rowsJson: string): Promise<number> {
  const cols = columns.map(ident).join(', ');
  const res = await tx.query<{ n: string }>(
    `WITH ins AS (INSERT INTO ${ident(table)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM json_populate_recordset(NULL::${ident(table)}, $1::json) RETURNING 1)
     SELECT count(*)::text AS n FROM ins`,
    [rowsJson],
  );
  return Number(res.rows[0]!.n);
}

/** bigserial columns continue after the highest copied value */
export async function resetSequences(tx: SqlQueryable): Promise<void> {
  const { rows } = await tx.query<{ t: string; c: string; s: string }>(
    `SELECT c.relname AS t, a.attname AS c, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS s
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
  );
  for (const r of rows) {
    await tx.query(`SELECT setval($1, coalesce((SELECT max(${ident(r.c)}) FROM ${ident(r.t)}), 0) + 1, false)`, [r.s]);
  }
}
