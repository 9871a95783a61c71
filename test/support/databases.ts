import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { connectPostgres, openPglite, type SqlClient } from '../../src/adapters/store/sql-client.js';

export const postgresUrl = (): string => inject('postgresUrl');

/** A fresh, empty database on the run's PostgreSQL server. */
export async function freshPostgresDatabase(): Promise<string> {
  const base = postgresUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export const tempDir = (prefix = 'notary-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export type Backend = 'pglite' | 'postgres';

/** Both backends the store must work on; postgres is skipped only outside CI when no server exists. */
export const backends: Backend[] = ['pglite', 'postgres'];

export async function openBackend(backend: Backend): Promise<SqlClient> {
  return backend === 'pglite' ? openPglite(join(tempDir(), 'pg')) : connectPostgres(await freshPostgresDatabase());
}

export const skipBackend = (backend: Backend): boolean => backend === 'postgres' && postgresUrl() === '';
