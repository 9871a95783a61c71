// Database faults under 16-way load, the service as its own process (see test/support/database-faults.ts):
// SIGKILL of the service, on each backend.
import { describe, expect, it } from 'vitest';
import { alive } from '../../src/adapters/db/embedded/cluster-processes.js';
import { expectCleanStop, sqlOn } from '../support/database-faults.js';
import { backendEnv, backends, seededDataDir, skipBackend } from '../support/databases.js';
import { embeddedPostmaster, embeddedQuery } from '../support/embedded-server.js';
import { expectAllStoredAndValid, missingAuditRows, startLoad, startService, waitReady } from '../support/service-process.js';

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
        await expectCleanStop(second);
      }
    },
    180_000,
  );
});
