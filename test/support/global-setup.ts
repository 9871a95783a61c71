import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { MIGRATIONS_DIR } from '../../src/app.js';
import { EmbeddedPostgres } from '../../src/adapters/db/embedded/index.js';
import { openDatabase } from '../../src/adapters/db/open-database.js';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the run's external-style PostgreSQL (TEST_DATABASE_URL, or one started here on a loopback port) */
    postgresUrl: string;
    /** the run's embedded server (the service's own supervisor), reached like the service reaches it */
    embeddedUrl: string;
    /** a data folder whose pg/ holds a created, migrated, stopped embedded cluster (see seededDataDir) */
    embeddedTemplate: string;
    /** the run's temporary root; each file gets a folder in it (file-tmpdir.ts) */
    testRoot: string;
  }
}

interface RunServers {
  provided: { embeddedUrl: string; postgresUrl: string; embeddedTemplate: string; testRoot: string };
  users: number;
  stop(): Promise<void>;
}

// Every project of the run (vitest.config.ts: the suite, then the fault tests) calls this setup;
// the servers are started by the first call and stopped after the last teardown. Each project may
// load this module afresh, so the state lives on the process.
const RUN = Symbol.for('afdp-notary.test-run');
const run = globalThis as { [RUN]?: Promise<RunServers> };

/**
 * One embedded PostgreSQL (the default's supervisor, unix socket, generated password) and one
 * external-style server on a loopback port, per run; each test file makes its own databases in them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await (run[RUN] ??= startRunServers());
  servers.users++;
  for (const [key, value] of Object.entries(servers.provided)) project.provide(key as keyof RunServers['provided'], value);
  return async () => {
    if (--servers.users === 0) {
      delete run[RUN];
      await servers.stop();
    }
  };
}

async function startRunServers(): Promise<RunServers> {
  // Service and CLI processes run the compiled dist/ (test/support/service-process.ts), as `npm start`
  // and the installed bin do: rebuilt here, once, when a source is newer than the build (npm ci built it).
  execFileSync(process.execPath, [join(import.meta.dirname, '../../scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  // Every temporary folder of the run (data folders, certificates, service processes' files) lives
  // under one root removed at the end: a run leaves hundreds of megabytes of clusters otherwise.
  // The workers and the processes they start inherit TMPDIR.
  const root = mkdtempSync(join(tmpdir(), 'notary-tests-'));
  process.env.TMPDIR = root;
  const template = join(root, 'template');
  const [embedded, external] = await Promise.all([
    EmbeddedPostgres.start({ dir: join(root, 'run-pg'), role: 'afdp-notary test run' }),
    process.env.TEST_DATABASE_URL ? undefined : startPostgres(),
    // a first start of the default store, once: initdb and the migrations, then a clean stop
    openDatabase({ dataDir: template, role: 'afdp-notary test template', migrationsDir: MIGRATIONS_DIR }).then((d) => d.close()),
  ]);
  const c = embedded.connection('postgres');
  const url = new URL(`postgresql://${c.user}:${c.password}@localhost:${c.port}/postgres`);
  url.searchParams.set('host', String(c.host));
  return {
    provided: {
      embeddedUrl: url.toString(),
      postgresUrl: process.env.TEST_DATABASE_URL ?? external!.url,
      embeddedTemplate: template,
      testRoot: root,
    },
    users: 0,
    stop: async () => {
      external?.stop();
      await embedded.stop();
      if (!process.env.NOTARY_KEEP_TEST_FILES) rmSync(root, { recursive: true, force: true });
    },
  };
}
