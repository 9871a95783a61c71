// A row the database refuses must fail only its own notarization, never the others committed with it.
// The poisoned records here bypass validation on purpose: they stand for any value validation might
// miss, so the store's own isolation is what is tested.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import type { NotarizationRecord } from '../../src/ports/evidence-store.js';
import { backends, openMigrated, skipBackend } from '../support/databases.js';
import { record, uniquePackage } from '../support/records.js';
import { colocatedStore } from '../support/colocated.js';

function poisoned(n: number, poison: (r: NotarizationRecord) => void): NotarizationRecord {
  const r = record(uniquePackage(`poison-${n}-${Math.random()}`));
  poison(r);
  return r;
}

const POISONS: [string, (r: NotarizationRecord) => void][] = [
  [
    'a day February does not have',
    (r) => {
      r.evidence.pkg.timestamp_utc = '2024-02-30T00:00:00Z';
    },
  ],
  [
    'year 0000',
    (r) => {
      r.evidence.pkg.timestamp_utc = '0000-01-01T00:00:00Z';
    },
  ],
  [
    'NUL in actor.id',
    (r) => {
      r.evidence.pkg.actor = { ...r.evidence.pkg.actor, id: 'bad\u0000actor' };
    },
  ],
  [
    'an actor.id too large for its index',
    (r) => {
      r.evidence.pkg.actor = { ...r.evidence.pkg.actor, id: randomBytes(3000).toString('base64') };
    },
  ],
];

describe.each(backends)('group commit isolation on %s', (backend) => {
  let db: SqlClient;
  let plain: PgEvidenceStore;
  let colocated: ReturnType<typeof colocatedStore>;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openMigrated(backend);
    plain = new PgEvidenceStore(db);
    const log = await EmbeddedLog.open({
      db,
      key: await loadOrCreateLogKey(db, randomBytes(32)),
      origin: 'test/log',
      url: 'http://log.test',
      exclusive: db.kind === 'embedded',
    });
    colocated = colocatedStore(db, log);
  });
  afterAll(async () => db?.close());

  for (const variant of ['plain', 'colocated with the embedded log'] as const) {
    it.skipIf(skipBackend(backend))(
      `${variant}: honest notarizations commit next to every kind of poisoned one; the poisoned fail alone, leaving no row`,
      async () => {
        const store = variant === 'plain' ? plain : colocated.store;
        const save: (r: NotarizationRecord) => Promise<unknown> = variant === 'plain' ? (r) => plain.save(r) : colocated.saveAnchored;
        const honest = Array.from({ length: 60 }, (_, i) => record(uniquePackage(`honest-${variant}-${i}`)));
        const bad = POISONS.map(([, poison], i) => poisoned(i, poison));
        // interleaved, all at once: they land in the same group-commit batches
        const all = honest.flatMap((r, i) => (i % 15 === 0 && bad[i / 15] ? [bad[i / 15]!, r] : [r]));
        const results = await Promise.allSettled(all.map(save));
        results.forEach((res, i) => {
          const r = all[i]!;
          if (bad.includes(r))
            expect(res, POISONS[bad.indexOf(r)]![0]).toMatchObject({
              status: 'rejected',
              reason: { code: 'validation_failed', retryable: false },
            });
          else expect(res.status).toBe('fulfilled');
        });
        for (const r of honest) expect((await store.getReceiptRecord(r.workflow.id))?.workflow.id).toBe(r.workflow.id);
        for (const r of bad) {
          expect(await store.getWorkflow(r.workflow.id)).toBeUndefined();
          expect(await store.getEvidence(r.evidence.hashHex)).toBeUndefined();
        }
        if (variant !== 'plain') {
          // the log holds exactly the honest entries, in a tree that still verifies (no gaps from rolled-back plans)
          const anchors = await Promise.all(honest.map(async (r) => (await store.getReceiptRecord(r.workflow.id))!.anchor!.entry.logIndex));
          expect(new Set(anchors).size).toBe(honest.length);
        }
      },
      60_000,
    );
  }
});
