import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { migrate } from '../../src/adapters/store/migrate.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { createDatabase } from './postgres-server.js';

/** The run's external-style PostgreSQL (a loopback server, or TEST_DATABASE_URL). */
export const postgresUrl = (): string => inject('postgresUrl');
/** The run's embedded server (unix socket, generated password). */
export const embeddedUrl = (): string => inject('embeddedUrl');

const name = () => `t_${randomBytes(6).toString('hex')}`;

/** A fresh, empty database on the run's external-style PostgreSQL server. */
export const freshPostgresDatabase = (): Promise<string> => createDatabase(postgresUrl(), name());

/** A fresh, empty database on the run's embedded server (the server the default supervises, started once per run). */
export const freshEmbeddedDatabase = (): Promise<string> => createDatabase(embeddedUrl(), name());

export const tempDir = (prefix = 'notary-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * A fresh data folder whose embedded cluster already exists: a copy of the run's template (made
 * once by global-setup through the service's own first start: initdb, migrations, clean stop). The
 * service still supervises its own server in it, exactly as on a restart; only initdb (seconds per
 * app on this machine) is not repeated. First starts themselves are tested where they matter
 * (rest-lifecycle, npm-start, pglite-import, the service-process tests): those pass their own folder.
 */
export function seededDataDir(): string {
  const dir = tempDir();
  // cp -a keeps the cluster's owner (the server's own user when tests run as root) and its modes
  execFileSync('cp', ['-a', join(inject('embeddedTemplate'), 'pg'), join(dir, 'pg')]);
  return dir;
}

/**
 * 'embedded': the default (the supervised server, one writer: the exclusive fast paths);
 * 'postgres': an external server through DATABASE_URL (shared with other replicas).
 * 'pglite' is the old name of 'embedded', still accepted.
 */
export type Backend = 'embedded' | 'postgres' | 'pglite';

/** Both backends the store must work on. */
export const backends: Backend[] = ['embedded', 'postgres'];

export async function openBackend(backend: Backend): Promise<SqlClient> {
  return backend === 'postgres'
    ? connectPostgres(await freshPostgresDatabase())
    : connectPostgres(await freshEmbeddedDatabase(), { kind: 'embedded' });
}

/** The service's migrations folder. */
export const MIGRATIONS = join(import.meta.dirname, '../../migrations');

/** A fresh database on `backend` with every migration applied: where an adapter test starts. */
export async function openMigrated(backend: Backend = 'embedded'): Promise<SqlClient> {
  const db = await openBackend(backend);
  await migrate(db, MIGRATIONS);
  return db;
}

export const skipBackend = (backend: Backend): boolean => backend === 'postgres' && postgresUrl() === '';

/**
 * Service settings that put the app on this backend: its own embedded server in its data folder
 * (the default: nothing to set), or a fresh database on the external server.
 */
export async function backendEnv(backend: Backend): Promise<Record<string, string>> {
  return backend === 'postgres' ? { DATABASE_URL: await freshPostgresDatabase() } : {};
}
