import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../../src/adapters/db/embedded/cluster-processes.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import { backendEnv, backends, postgresUrl, seededDataDir, skipBackend, tempDir, type Backend } from '../support/databases.js';
import { embeddedPgCtl, embeddedPostmaster, embeddedQuery } from '../support/embedded-server.js';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import {
  expectAllStoredAndValid,
  missingAuditRows,
  startLoad,
  startService,
  waitReady,
  type Load,
  type ServiceProcess,
  type Sql,
} from '../support/service-process.js';

/** Each non-200 answer under a database fault is a clean 503 problem with Retry-After, never a 500 or a reset. */
function expectCleanFailures(load: Load): void {
  const unclean = load.failures.filter(
    (f) => !(f.status === 503 && f.type?.startsWith('application/problem+json') && f.retryAfter && f.code === 'unavailable'),
  );
  expect(unclean).toEqual([]);
}

async function readyStatus(s: ServiceProcess): Promise<number> {
  return fetch(`${s.url}/ready`).then(
    (r) => r.status,
    () => 0,
  );
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** SQL on the service's database, as an operator would run it. */
function sqlOn(backend: Backend, target: { dataDir: string; url?: string }): Sql {
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

/** Sessions of the service (its pool), killed from another session. */
async function terminateService(backend: Backend, target: { dataDir: string; url?: string }): Promise<number> {
  const sql = "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'afdp-notary service%'";
  if (backend !== 'postgres') return (await embeddedQuery<{ n: number }>(target.dataDir, sql))[0]!.n;
  const admin = connectPostgres(target.url!, 1);
  try {
    return (await admin.query<{ n: number }>(sql)).rows[0]!.n;
  } finally {
    await admin.close();
  }
}

describe.each(backends)('database faults under 16-way load (%s)', (backend) => {
  it.skipIf(skipBackend(backend))(
    'SIGKILL: every acknowledged receipt is there and valid after the restart',
    async () => {
      const dataDir = seededDataDir();
      const env: Record<string, string> = { NOTARY_DATA_DIR: dataDir, ...(await backendEnv(backend)) };
      const first = await startService(env);
      await waitReady(first);
      const load = startLoad(() => first.url, 16, 'sigkill');
      await load.acknowledgedMore(300);
      first.kill('SIGKILL');
      await first.exited;
      await load.stop();
      const orphan = backend === 'postgres' ? undefined : embeddedPostmaster(dataDir);
      if (orphan) expect(alive(orphan)).toBe(true); // the server outlived its service

      const second = await startService(env);
      try {
        await waitReady(second);
        if (orphan) {
          // the next start found the orphan, stopped it cleanly and runs a server of its own, durable
          expect(alive(orphan)).toBe(false);
          expect(second.output()).toContain('stopping a server left running by a previous service');
          const settings = await embeddedQuery<{ name: string; setting: string }>(
            dataDir,
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit', 'listen_addresses') ORDER BY name",
          );
          expect(settings).toEqual([
            { name: 'fsync', setting: 'on' },
            { name: 'full_page_writes', setting: 'on' },
            { name: 'listen_addresses', setting: '' },
            { name: 'synchronous_commit', setting: 'on' },
          ]);
        }
        expect(await expectAllStoredAndValid(second.url, load.acknowledged)).toEqual([]);
        // issue #16: the audit row commits with the notarization, so none is lost to the kill
        expect(await missingAuditRows(sqlOn(backend, { dataDir, url: env.DATABASE_URL }), load.acknowledged)).toEqual([]);
      } finally {
        expect(await second.stop()).toBe(0);
      }
    },
    180_000,
  );

  it.skipIf(skipBackend(backend))(
    'pg_terminate_backend of every service session: the process stays up, answers 503 meanwhile, serves again without restart',
    async () => {
      const dataDir = seededDataDir();
      const env = await backendEnv(backend);
      const service = await startService({ NOTARY_DATA_DIR: dataDir, ...env });
      try {
        await waitReady(service);
        const load = startLoad(() => service.url, 16, 'terminate');
        await load.acknowledgedMore(100);
        for (let i = 0; i < 3; i++) {
          expect(await terminateService(backend, { dataDir, url: env.DATABASE_URL })).toBeGreaterThan(0);
          await load.acknowledgedMore(100); // served again by the same process
        }
        await load.stop();
        expectCleanFailures(load);
        expect(await expectAllStoredAndValid(service.url, load.acknowledged)).toEqual([]);
        expect(await missingAuditRows(sqlOn(backend, { dataDir, url: env.DATABASE_URL }), load.acknowledged)).toEqual([]);
        expect(await readyStatus(service)).toBe(200);
      } finally {
        expect(await service.stop()).toBe(0);
      }
    },
    180_000,
  );
});

describe('the external PostgreSQL stopped (pg_ctl stop -m fast) and started under load', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('the process stays up, answers 503 with Retry-After and /ready 503 while it is down, and serves again without a restart', async () => {
    const url = await createDatabase(server.url, 'notary');
    const service = await startService({ NOTARY_DATA_DIR: tempDir(), DATABASE_URL: url });
    try {
      await waitReady(service);
      const load = startLoad(() => service.url, 16, 'pgctl');
      await load.acknowledgedMore(100);
      server.pgCtl(['-m', 'fast', '-w', 'stop']);
      await until('/ready says 503', async () => (await readyStatus(service)) === 503);
      await until('a request got 503', async () => load.failures.some((f) => f.status === 503));
      const { connectNotary, toProtoPackage } = await import('../../src/api/grpc/index.js');
      const grpc = await import('@grpc/grpc-js');
      const client = connectNotary(`127.0.0.1:${service.grpcPort}`);
      const refused = await client
        .unary('SignEvidence', { evidence_package: toProtoPackage((await import('../support/records.js')).uniquePackage('grpc-down')) })
        .catch((e: { code: number }) => e);
      client.close();
      expect((refused as { code: number }).code).toBe(grpc.status.UNAVAILABLE);
      server.start();
      await load.acknowledgedMore(100);
      await load.stop();
      expect(await readyStatus(service)).toBe(200);
      expectCleanFailures(load);
      expect(await expectAllStoredAndValid(service.url, load.acknowledged)).toEqual([]);
      expect(await missingAuditRows(sqlOn('postgres', { dataDir: '', url }), load.acknowledged)).toEqual([]);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 180_000);
});

describe('the embedded server', () => {
  it('stopped under the service (pg_ctl stop -m fast) is restarted by it: 503 meanwhile, then served again, nothing acknowledged lost', async () => {
    const dataDir = seededDataDir();
    const service = await startService({ NOTARY_DATA_DIR: dataDir });
    try {
      await waitReady(service);
      const load = startLoad(() => service.url, 16, 'embedded-stop');
      await load.acknowledgedMore(100);
      const before = embeddedPostmaster(dataDir);
      embeddedPgCtl(dataDir, ['-m', 'fast', '-w', 'stop']);
      await until('/ready says 503', async () => (await readyStatus(service)) === 503, 10_000).catch(() => undefined); // the restart may win the race
      await load.acknowledgedMore(100);
      await load.stop();
      expect(embeddedPostmaster(dataDir)).not.toBe(before);
      expect(service.output()).toContain('the embedded PostgreSQL stopped unexpectedly: restarting it');
      expectCleanFailures(load);
      expect(await expectAllStoredAndValid(service.url, load.acknowledged)).toEqual([]);
      expect(await missingAuditRows(sqlOn('embedded', { dataDir }), load.acknowledged)).toEqual([]);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(embeddedPostmaster(dataDir)).toBeUndefined(); // stopped with the service
  }, 180_000);

  it('refuses a second service on the same data folder, naming the running one', async () => {
    const dataDir = seededDataDir();
    const first = await startService({ NOTARY_DATA_DIR: dataDir });
    try {
      await waitReady(first);
      const second = await startService({ NOTARY_DATA_DIR: dataDir });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(
        `is in use by afdp-notary service (REST ${new URL(first.url).port}, gRPC ${first.grpcPort}), pid ${first.pid}`,
      );
      expect(await readyStatus(first)).toBe(200); // the running one never noticed
    } finally {
      expect(await first.stop()).toBe(0);
    }
  }, 120_000);
});

// silence "unused" for postgresUrl in runs where only embedded tests execute
void postgresUrl;
