import type { SqlQueryable } from '../../src/adapters/db/sql-client.js';

/**
 * What a database writer with the owner's rights can do: switch the append-only triggers of
 * `table` off (DDL, not a statement the service ever runs), run `statements`, and switch them back
 * on, so the service sees nothing but the changed rows.
 */
export async function tamper(
  db: { transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> },
  table: string,
  statements: [string, unknown[]?][],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    for (const [sql, params] of statements) await tx.query(sql, params ?? []);
    await tx.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_append_only`);
    await tx.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
  });
}
