import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgres } from '../../src/adapters/db/embedded/index.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the run's external-style PostgreSQL (TEST_DATABASE_URL, or one started here on a loopback port) */
    postgresUrl: string;
    /** the run's embedded server (the service's own supervisor), reached like the service reaches it */
    embeddedUrl: string;
  }
}

let external: PostgresServer | undefined;
let embedded: EmbeddedPostgres | undefined;

/**
 * One embedded PostgreSQL (the default's supervisor, unix socket, generated password) and one
 * external-style server on a loopback port, per run; each test file makes its own databases in them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Every temporary folder of the run (data folders, certificates, service processes' files) lives
  // under one root removed at the end: a run leaves hundreds of megabytes of clusters otherwise.
  // The workers and the processes they start inherit TMPDIR.
  const root = mkdtempSync(join(tmpdir(), 'notary-tests-'));
  process.env.TMPDIR = root;
  [embedded, external] = await Promise.all([
    EmbeddedPostgres.start({ dir: join(root, 'run-pg'), role: 'afdp-notary test run' }),
    process.env.TEST_DATABASE_URL ? undefined : startPostgres(),
  ]);
  const c = embedded.connection('postgres');
  const url = new URL(`postgresql://${c.user}:${c.password}@localhost:${c.port}/postgres`);
  url.searchParams.set('host', String(c.host));
  project.provide('embeddedUrl', url.toString());
  project.provide('postgresUrl', process.env.TEST_DATABASE_URL ?? external!.url);
  return async () => {
    external?.stop();
    await embedded?.stop();
    if (!process.env.NOTARY_KEEP_TEST_FILES) rmSync(root, { recursive: true, force: true });
  };
}
