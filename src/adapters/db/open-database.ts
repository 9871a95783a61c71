import { join } from 'node:path';
import type pg from 'pg';
import { migrate } from '../store/migrate.js';
import type { SqlClient } from './sql-client.js';
import { EmbeddedPostgres, layout, liveHolder, readPassword, DATABASE, PORT, SUPERUSER, type SupervisorLogger } from './embedded/index.js';
import { connectPostgres } from './pg-client.js';
import { importPgliteFolder } from './pglite-import.js';

export interface DatabaseOptions {
  /** external PostgreSQL; unset: the embedded server in `dataDir`/pg */
  databaseUrl?: string;
  dataDir: string;
  /** who opens it, named to a second service that is refused ("afdp-notary service", "afdp-notary audit-verify") */
  role: string;
  migrationsDir: string;
  logger?: SupervisorLogger;
  poolSize?: number;
  /** embedded: readiness fails below this much free disk */
  minFreeBytes?: number;
  /**
   * 'service' owns the embedded server (refuses if another service does). 'client' (the CLI)
   * connects to the server a running service supervises, and starts it only when none runs.
   */
  mode?: 'service' | 'client';
}

export interface Database {
  db: SqlClient;
  /** the supervised server, when embedded and this process started it */
  server?: EmbeddedPostgres;
  /** throws 'unavailable' while the embedded server is down or its disk nearly full (external: nothing to add) */
  health(): void;
  /** closes the pool, then stops the server this process started */
  close(): Promise<void>;
}

/** The one way the service and the CLI reach their database, migrated and ready. */
export async function openDatabase(o: DatabaseOptions): Promise<Database> {
  if (o.databaseUrl) {
    const db = connectPostgres(o.databaseUrl, { poolSize: o.poolSize, applicationName: o.role });
    return opened(db, undefined, o);
  }
  const dir = join(o.dataDir, 'pg');
  if (o.mode === 'client') {
    const holder = liveHolder(layout(dir).lockFile);
    if (holder) {
      // a service runs it: read through its server, never beside it
      const db = connectPostgres(runningServer(dir), { poolSize: o.poolSize ?? 2, applicationName: o.role });
      return { db, health: () => undefined, close: () => db.close() };
    }
  }
  const server = await EmbeddedPostgres.start({ dir, role: o.role, logger: o.logger, minFreeBytes: o.minFreeBytes });
  try {
    const db = connectPostgres(server.connection(), { poolSize: o.poolSize, kind: 'embedded', applicationName: o.role });
    return await opened(db, server, o);
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function opened(db: SqlClient, server: EmbeddedPostgres | undefined, o: DatabaseOptions): Promise<Database> {
  try {
    await migrate(db, o.migrationsDir);
    if (server) await importPgliteFolder(join(o.dataDir, 'pgdata'), db, o.migrationsDir, (obj, msg) => o.logger?.info(obj, msg));
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return {
    db,
    server,
    health: () => server?.health(),
    close: async () => {
      await db.close();
      await server?.stop();
    },
  };
}

function runningServer(dir: string): pg.ClientConfig {
  const l = layout(dir);
  return { host: l.socketDir, port: PORT, user: SUPERUSER, password: readPassword(l), database: DATABASE };
}
