import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDatabase } from '../../bench/bench-db.js';
import { prefill } from '../../bench/prefill.js';
import { loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { checkStoredLog } from '../../src/adapters/translog/embedded/self-check.js';
import { keyEncryptionKey } from '../../src/wiring/transparency.js';

// `npm run bench -- --stored-rows` starts the service over these rows: a log that fails the service's
// own start-up check leaves it unready (signing stopped) and the bench waiting out its 3 minutes
describe('bench prefill', () => {
  it('stores a log the service accepts: leaf hashes of their bodies, under a checkpoint signed with its key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prefill-'));
    chmodSync(dataDir, 0o711);
    await prefill({ NOTARY_DATA_DIR: dataDir }, 1234);
    const { db, close } = await benchDatabase(undefined, dataDir);
    try {
      const key = await loadOrCreateLogKey(db, keyEncryptionKey({ dataDir }));
      const check = await checkStoredLog(db, key.publicKey, 'afdp-notary.local/log');
      expect(check).toMatchObject({ ok: true, size: 1234 });
      const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM evidence');
      expect(rows[0]!.n).toBe('1234');
    } finally {
      await close();
    }
  });
});
