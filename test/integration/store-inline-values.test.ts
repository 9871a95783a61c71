/**
 * Issue #20, migration 016: a sealed evidence body and an anchor's LogEntry of today's sizes stay in
 * their heap row (no TOAST chunks, no TOAST index entries, no TOAST fetch on read); a body larger
 * than a page is still stored out of line; rows written out of line before the migration read the
 * same after it.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalEvidenceCipher } from '../../src/adapters/signer/local/evidence-cipher.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { LogEntry } from '../../src/ports/transparency-log.js';
import { backends, MIGRATIONS, openBackend, skipBackend, tempDir } from '../support/databases.js';
import { record, uniquePackage } from '../support/records.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** An embedded-log entry of the size the service stores (~2.1 KB of JSON). */
const entryOfTodaysSize = (logIndex: number): LogEntry => ({
  uuid: hex(32),
  logIndex,
  integratedTime: 1_764_000_000,
  logID: hex(32),
  body: randomBytes(700).toString('base64'),
  signedEntryTimestamp: randomBytes(71).toString('base64'),
  inclusionProof: {
    logIndex,
    rootHash: hex(32),
    treeSize: logIndex + 1,
    hashes: Array.from({ length: 11 }, () => hex(32)),
    checkpoint: `test/log\n${logIndex + 1}\n${randomBytes(32).toString('base64')}\n\n— test/log ${randomBytes(100).toString('base64')}\n`,
  },
});

/** Pages of each table's TOAST relation: 0 while nothing went out of line. */
async function toastPages(db: SqlClient): Promise<Record<string, number>> {
  const { rows } = await db.query<{ t: string; pages: number }>(
    `SELECT relname AS t, (pg_relation_size(reltoastrelid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class WHERE relname IN ('evidence', 'anchors')`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.pages]));
}

/** A migrations folder holding the migrations before `first` only: the schema a deployment had before it. */
function migrationsBefore(first: string): string {
  const dir = tempDir('notary-migrations-');
  for (const f of readdirSync(MIGRATIONS).filter((f) => f < first)) cpSync(join(MIGRATIONS, f), join(dir, f));
  return dir;
}

describe.each(backends)('large values in their rows on %s', (backend) => {
  const opened: PgEvidenceStore[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close(); // closes its database too
  });

  async function open(migrations = MIGRATIONS) {
    const db = await openBackend(backend);
    await migrate(db, migrations);
    const store = new PgEvidenceStore(db, { anchorGraceSeconds: 0, cipher: new LocalEvidenceCipher({ dir: tempDir() }) });
    opened.push(store);
    return { db, store };
  }

  async function notarizeAndAnchor(store: PgEvidenceStore, n: string, logIndex: number, pkg = uniquePackage(n)) {
    const r = record(pkg);
    await store.save(r);
    const anchor = { entry: entryOfTodaysSize(logIndex), logUrl: 'http://log.test' };
    await store.saveAnchor(r.workflow.id, anchor);
    return { r, anchor };
  }

  async function expectReadsBack(store: PgEvidenceStore, { r, anchor }: Awaited<ReturnType<typeof notarizeAndAnchor>>) {
    expect(await store.getEvidence(r.evidence.hashHex)).toMatchObject({ evidence_package: r.evidence.pkg });
    expect((await store.getReceiptRecord(r.workflow.id))?.anchor).toEqual(anchor);
  }

  it.skipIf(skipBackend(backend))('a sealed body and an anchor entry of today’s sizes go to no TOAST chunk', async () => {
    const { db, store } = await open();
    const saved = await notarizeAndAnchor(store, `inline-${hex(8)}`, 0);
    const { rows } = await db.query<{ body: number; entry: number }>(
      `SELECT octet_length(e.body) AS body, octet_length(a.entry) AS entry FROM evidence e, anchors a WHERE e.hash = $1`,
      [saved.r.evidence.hashHex],
    );
    // both above the default toast_tuple_target (2032 B): without migration 016 both go out of line
    expect(rows[0]!.body).toBeGreaterThan(2032);
    expect(rows[0]!.entry).toBeGreaterThan(2032);
    expect(await toastPages(db)).toEqual({ evidence: 0, anchors: 0 });
    await expectReadsBack(store, saved);
  });

  it.skipIf(skipBackend(backend))('a body of nearly NOTARY_MAX_BODY_BYTES, larger than a page, is still stored and read back', async () => {
    const { db, store } = await open();
    const base = uniquePackage(`large-${hex(8)}`);
    // sealed, the body is incompressible: only going out of line makes it fit (strings stay within their own limit)
    const strings = Math.floor((DEFAULT_LIMITS.maxBodyBytes - 16_384) / (DEFAULT_LIMITS.maxStringLength + 3));
    const filler = Array.from({ length: strings }, () => hex(DEFAULT_LIMITS.maxStringLength / 2));
    const pkg = { ...base, metadata: { ...base.metadata, filler } };
    const saved = await notarizeAndAnchor(store, '', 1, pkg);
    expect(saved.r.evidence.canonical.length).toBeGreaterThan(DEFAULT_LIMITS.maxBodyBytes - 32_768);
    expect((await toastPages(db)).evidence).toBeGreaterThan(100);
    await expectReadsBack(store, saved);
  });

  it.skipIf(skipBackend(backend))('rows stored out of line before migration 016 read the same after it', async () => {
    const { db, store } = await open(migrationsBefore('016_'));
    const before = await notarizeAndAnchor(store, `before-016-${hex(8)}`, 2);
    const outOfLine = await toastPages(db);
    expect(outOfLine.evidence).toBeGreaterThan(0);
    expect(outOfLine.anchors).toBeGreaterThan(0);
    expect(await migrate(db, MIGRATIONS)).toContain('016_inline_bodies.sql');
    await expectReadsBack(store, before);
    const after = await notarizeAndAnchor(store, `after-016-${hex(8)}`, 3);
    expect(await toastPages(db)).toEqual(outOfLine);
    await expectReadsBack(store, after);
  });
});
