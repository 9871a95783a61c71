import { execFile, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expectCleanFailures, until } from '../support/database-faults.js';
import { tempDir } from '../support/databases.js';
import { embeddedQuery } from '../support/embedded-server.js';
import { AUDIT_VERIFY_JS, expectAllStoredAndValid, startLoad, startService, waitReady } from '../support/service-process.js';

const isRoot = process.getuid?.() === 0;

/** Writes zeros into `file` until the file system says ENOSPC; returns the bytes written. */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          // the last partial megabyte too
          for (const size of [65536, 4096, 512]) {
            try {
              for (;;) written += writeSync(fd, chunk.subarray(0, size));
            } catch {
              /* full at this size */
            }
          }
          return written;
        }
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!isRoot)('the embedded default on a full disk (small tmpfs)', () => {
  it('answers clean 503s and /ready 503 while full, recovers once space is freed, and nothing is corrupted or lost', async () => {
    const mnt = tempDir('notary-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0755', 'tmpfs', mnt]);
    try {
      const dataDir = join(mnt, 'data');
      mkdirSync(dataDir);
      // PostgreSQL still commits small writes into pages and WAL it already has on a full disk, so
      // /ready also needs the free-space check (16 MiB here; 64 by default)
      const service = await startService({ NOTARY_DATA_DIR: dataDir, NOTARY_DB_MIN_FREE_MB: '16' });
      try {
        await waitReady(service, 120_000);
        const load = startLoad(() => service.url, 16, 'diskfull');
        await load.acknowledgedMore(100);
        const filler = join(mnt, 'filler');
        fillDisk(filler);
        await until('requests fail', () => load.failures.length >= 20);
        await until('/ready says 503', async () => (await fetch(`${service.url}/ready`)).status === 503);
        // keep it full under load until 100 more requests were refused (a few hundred ms at 16
        // callers; a fixed 3 s wait before): every one is checked clean below, and the process stays up
        const refusedWhileFull = load.failures.length + 100;
        await until('100 more requests refused while full', () => load.failures.length >= refusedWhileFull);
        expect(await fetch(`${service.url}/health`).then((r) => r.status)).toBe(200);
        rmSync(filler);
        await until('/ready says 200', async () => (await fetch(`${service.url}/ready`)).status === 200, 120_000);
        await load.acknowledgedMore(100, 120_000);
        await load.stop();

        expectCleanFailures(load);
        expect(await expectAllStoredAndValid(service.url, load.acknowledged)).toEqual([]);
        // no corruption: every B-tree index and every table page checks out, the audit chain is intact
        await embeddedQuery(dataDir, 'CREATE EXTENSION IF NOT EXISTS amcheck');
        const indexes = await embeddedQuery<{ i: string }>(
          dataDir,
          "SELECT c.oid::regclass::text AS i FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = 'public'",
        );
        for (const { i } of indexes) await embeddedQuery(dataDir, 'SELECT bt_index_check($1::regclass, true)', [i]);
        const heap = await embeddedQuery(
          dataDir,
          "SELECT c.relname, v.* FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, verify_heapam(c.oid) v WHERE n.nspname = 'public' AND c.relkind = 'r'",
        );
        expect(heap).toEqual([]);
        const { stdout } = await promisify(execFile)(process.execPath, [AUDIT_VERIFY_JS, '--json'], {
          cwd: join(import.meta.dirname, '../..'),
          env: { ...process.env, NOTARY_DATA_DIR: dataDir },
        });
        expect(JSON.parse(stdout)).toMatchObject({ ok: true });
      } finally {
        expect(await service.stop()).toBe(0);
      }
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  }, 300_000);
});
