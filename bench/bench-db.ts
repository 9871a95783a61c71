import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/adapters/db/open-database.js';
import { connectPostgres } from '../src/adapters/db/pg-client.js';
import type { SqlClient } from '../src/adapters/db/sql-client.js';

const MIGRATIONS = join(import.meta.dirname, '../migrations');

/** An external database (`url`), or the embedded server in `dataDir` (a fresh temp folder if unset), migrated. */
export async function benchDatabase(url: string | undefined, dataDir?: string): Promise<{ db: SqlClient; close(): Promise<void> }> {
  if (url) {
    const db = connectPostgres(url);
    return { db, close: () => db.close() };
  }
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'notary-bench-'));
  chmodSync(dir, 0o711); // the server's user passes through to dir/pg
  const database = await openDatabase({ dataDir: dir, migrationsDir: MIGRATIONS, role: 'afdp-notary bench', poolSize: 4 });
  // a folder made here is nobody else's: removed with the server (a 100k-entry log is ~0.5 GB)
  const made = dataDir === undefined;
  return {
    db: database.db,
    close: async () => {
      await database.close();
      if (made) rmSync(dir, { recursive: true, force: true });
    },
  };
}
