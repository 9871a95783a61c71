// Database faults under 16-way load, the service as its own process (see test/support/database-faults.ts):
// the database server stopped under the service (external and embedded), and a second service on a data folder in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailures, expectCleanStop, readyStatus, sqlOn, until } from '../support/database-faults.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { embeddedPgCtl, embeddedPostmaster } from '../support/embedded-server.js';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { expectAllStoredAndValid, missingAuditRows, startLoad, startService, waitReady } from '../support/service-process.js';

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
      await expectCleanStop(service);
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
      await expectCleanStop(service);
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
      await expectCleanStop(first);
    }
  }, 120_000);
});
