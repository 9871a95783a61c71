// Database faults under 16-way load, the service as its own process (see test/support/database-faults.ts):
// every session of the service terminated by the database, on each backend.
import { describe, expect, it } from 'vitest';
import { expectCleanFailures, expectCleanStop, readyStatus, sqlOn, terminateService } from '../support/database-faults.js';
import { backendEnv, backends, seededDataDir, skipBackend } from '../support/databases.js';
import { expectAllStoredAndValid, missingAuditRows, startLoad, startService, waitReady } from '../support/service-process.js';

describe.each(backends)('database faults under 16-way load (%s)', (backend) => {
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
        await expectCleanStop(service);
      }
    },
    180_000,
  );
});
