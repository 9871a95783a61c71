import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { connectPostgres, openPglite, type SqlClient } from '../../src/adapters/store/sql-client.js';
import { createDatabase } from './postgres-server.js';

export const postgresUrl = (): string => inject('postgresUrl');

/** A fresh, empty database on the run's PostgreSQL server. */
export const freshPostgresDatabase = (): Promise<string> => createDatabase(postgresUrl(), `t_${randomBytes(6).toString('hex')}`);

export const tempDir = (prefix = 'notary-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export type Backend = 'pglite' | 'postgres';

/** Both backends the store must work on; postgres is skipped only outside CI when no server exists. */
export const backends: Backend[] = ['pglite', 'postgres'];

export async function openBackend(backend: Backend): Promise<SqlClient> {
  return backend === 'pglite' ? openPglite(join(tempDir(), 'pg')) : connectPostgres(await freshPostgresDatabase());
}

export const skipBackend = (backend: Backend): boolean => backend === 'postgres' && postgresUrl() === '';

/** Service settings that put the app on this backend: PGlite (the default) or a fresh PostgreSQL database. */
export async function backendEnv(backend: Backend): Promise<Record<string, string>> {
  return backend === 'postgres' ? { DATABASE_URL: await freshPostgresDatabase() } : {};
}
