// Backup and restore with an external PostgreSQL (issue 22), its own file beside backup-restore.test.ts
// (the embedded default) so the fault group runs the two at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshPostgresDatabase, skipBackend, tempDir } from '../support/databases.js';
import {
  cliProcess as cli,
  expectAllStoredAndValid,
  startLoad,
  startService,
  waitReady,
  type ServiceProcess,
} from '../support/service-process.js';

describe('afdp-notary backup / restore with an external PostgreSQL (DATABASE_URL)', () => {
  it.skipIf(skipBackend('postgres'))(
    'restores into an empty database; a service on it validates every earlier receipt',
    async () => {
      const [sourceUrl, targetUrl] = [await freshPostgresDatabase(), await freshPostgresDatabase()];
      const keys = tempDir();
      const env = { DATABASE_URL: sourceUrl, NOTARY_DATA_DIR: keys, LOG_LEVEL: 'warn', NOTARY_REQUEST_LOG_LEVEL: 'silent' };
      const first = await startService(env);
      let second: ServiceProcess | undefined;
      try {
        await waitReady(first);
        const load = startLoad(() => first.url, 2, 'external');
        await load.acknowledgedMore(10).finally(() => load.stop());
        const out = join(tempDir(), 'external-backup');
        const made = await cli(['backup', '--out', out, '--url', first.url], env);
        expect(made.code, made.out).toBe(0);
        expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ database: 'external', signer: 'local' });
        await first.stop();
        const keysRestored = tempDir();
        // the source database has tables: refused
        expect((await cli(['restore', out, '--data-dir', tempDir(), '--database-url', sourceUrl])).code).toBe(2);
        const restoredRun = await cli(['restore', out, '--data-dir', keysRestored, '--database-url', targetUrl]);
        expect(restoredRun.code, restoredRun.out).toBe(0);
        second = await startService({ ...env, DATABASE_URL: targetUrl, NOTARY_DATA_DIR: keysRestored });
        await waitReady(second);
        expect(await expectAllStoredAndValid(second.url, load.acknowledged)).toEqual([]);
      } finally {
        await first.stop();
        await second?.stop();
      }
    },
    240_000,
  );
});
