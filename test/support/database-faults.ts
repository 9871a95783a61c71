// What the database-fault files (test/e2e/database-faults-*.test.ts) share: each runs the service as
// its own process under 16-way load and breaks its database one way; they are separate files so the
// fault group's two workers share them instead of one file running every case in turn.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { Backend } from './databases.js';
import { embeddedQuery } from './embedded-server.js';
import type { Load, ServiceProcess, Sql } from './service-process.js';

/** Each non-200 answer under a database fault is a clean 503 problem with Retry-After, never a 500 or a reset. */
export function expectCleanFailures(load: Load): void {
  const unclean = load.failures.filter(
    (f) => !(f.status === 503 && f.type?.startsWith('application/problem+json') && f.retryAfter && f.code === 'unavailable'),
  );
  expect(unclean).toEqual([]);
}

/**
 * SIGTERM, and the exit code must be 0. Soft, for the `finally` it is called from: a failure of the
 * test's body stays the one reported (a hard expect there replaced it with "expected 1 to be 0"),
 * and the service's last output says why it did not exit 0 (a crash, the grace period).
 */
export async function expectCleanStop(service: ServiceProcess): Promise<void> {
  const code = await service.stop();
  expect.soft(code, `the service exited ${code}; its last output:\n${service.output().slice(-4000)}`).toBe(0);
}

export async function readyStatus(s: ServiceProcess): Promise<number> {
  return fetch(`${s.url}/ready`).then(
    (r) => r.status,
    () => 0,
  );
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** SQL on the service's database, as an operator would run it. */
export function sqlOn(backend: Backend, target: { dataDir: string; url?: string }): Sql {
  if (backend !== 'postgres') return (sql) => embeddedQuery(target.dataDir, sql);
  return async <T>(sql: string) => {
    const admin = connectPostgres(target.url!, 1);
    try {
      return (await admin.query<T>(sql)).rows;
    } finally {
      await admin.close();
    }
  };
}

/** Sessions of the service (its pool), killed from another session; how many were. */
export async function terminateService(backend: Backend, target: { dataDir: string; url?: string }): Promise<number> {
  const rows = await sqlOn(
    backend,
    target,
  )<{ n: number }>(
    "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'afdp-notary service%'",
  );
  return rows[0]!.n;
}
