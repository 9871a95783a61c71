import type { TestProject } from 'vitest/node';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** empty when no PostgreSQL server could be started (tests that need one then skip, except in CI) */
    postgresUrl: string;
  }
}

let pg: PostgresServer | undefined;

/** Starts one real PostgreSQL for the run; each test file makes its own database in it. */
export default async function setup(project: TestProject): Promise<() => void> {
  let url = process.env.TEST_DATABASE_URL ?? '';
  if (!url) {
    const bin = findPostgresBin();
    if (bin) {
      pg = await startPostgres(bin);
      url = pg.url;
    } else if (process.env.CI) {
      throw new Error('CI: PostgreSQL is required for the test suite (apt-get install -y postgresql)');
    } else {
      console.warn('\n!! PostgreSQL not found (/usr/lib/postgresql/*/bin/initdb): real-Postgres tests are SKIPPED\n');
    }
  }
  project.provide('postgresUrl', url);
  return () => pg?.stop();
}
