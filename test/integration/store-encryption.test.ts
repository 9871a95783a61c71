/**
 * Evidence encrypted at rest and retention (issue 22), at the store: bodies are AES-256-GCM
 * ciphertext under a per-row data key, no table holds the plaintext, rows cannot be swapped, the
 * KEK rotates with a re-wrap, rows from before encryption are read and then sealed, and retention
 * purges a body (with its audit row) while everything a receipt needs stays.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditChainWriter } from '../../src/adapters/audit/chain-writer.js';
import { LocalEvidenceCipher } from '../../src/adapters/signer/local/evidence-cipher.js';
import { purgeExpiredBodies, rewrapBodies } from '../../src/adapters/store/evidence-retention.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { isPurged, type StoredEvidence } from '../../src/core/workflow.js';
import { EvidenceIntegrityError } from '../../src/ports/evidence-cipher.js';
import { backends, openMigrated, skipBackend, tempDir } from '../support/databases.js';
import { record, uniquePackage } from '../support/records.js';
import { tamper } from '../support/tamper.js';

const marker = () => `PHI-MARKER-${randomBytes(12).toString('hex')}`;
const withMarker = (m: string, n: string) => {
  const p = uniquePackage(n);
  return { ...p, metadata: { ...p.metadata, patient_note: m } };
};

/** Every row of every table of the database as text: what a COPY … TO STDOUT dump holds. */
async function everyRowAsText(db: SqlClient): Promise<string> {
  const { rows: tables } = await db.query<{ t: string }>(
    `SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { t } of tables) parts.push(...(await db.query<{ r: string }>(`SELECT x::text AS r FROM ${t} x`)).rows.map((r) => r.r));
  return parts.join('\n');
}

const body = (ev: StoredEvidence | { purged_at: string } | undefined) =>
  ev && !isPurged(ev as never) ? (ev as StoredEvidence).evidence_package : undefined;

describe.each(backends)('evidence bodies at rest on %s', (backend) => {
  let db: SqlClient;
  let keyDir: string;
  let cipher: LocalEvidenceCipher;
  let store: PgEvidenceStore;
  let audit: AuditChainWriter;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openMigrated(backend);
    keyDir = tempDir();
    cipher = new LocalEvidenceCipher({ dir: keyDir });
    audit = new AuditChainWriter(db);
    store = new PgEvidenceStore(db, { anchorGraceSeconds: 0, cipher, audit });
  });
  afterAll(async () => store?.close());

  it.skipIf(skipBackend(backend))('a marker inside a signed package is in no table, yet an authorized read returns it', async () => {
    const m = marker();
    const r = record(withMarker(m, `enc-${m}`));
    await store.save(r);
    expect(body(await store.getEvidence(r.evidence.hashHex))).toEqual(r.evidence.pkg);
    expect(JSON.stringify(body(await store.getEvidence(r.evidence.hashHex)))).toContain(m);
    const { rows } = await db.query<{ canonical: string | null; body_kek_version: number }>(
      'SELECT canonical, body_kek_version FROM evidence WHERE hash = $1',
      [r.evidence.hashHex],
    );
    expect(rows[0]).toEqual({ canonical: null, body_kek_version: 1 });
    expect(await everyRowAsText(db)).not.toContain(m);
    // the clear columns still answer queries
    const found = await store.findEvidence({ actorId: r.evidence.pkg.actor.id, pageSize: 500 });
    expect(found.items.map((e) => e.evidence_package_hash)).toContain(r.evidence.hashHex);
  });

  it.skipIf(skipBackend(backend))(
    'after a KEK rotation, rewrap moves every data key to the new version and every body stays readable',
    async () => {
      const saved = Array.from({ length: 40 }, (_, i) => record(uniquePackage(`rotate-${i}-${marker()}`)));
      await Promise.all(saved.map((r) => store.save(r)));
      expect(await cipher.rotate()).toBe(2);
      const report = await rewrapBodies(db, cipher);
      expect(report.kekVersion).toBe(2);
      expect(report.rewrapped).toBeGreaterThanOrEqual(saved.length);
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM evidence WHERE body IS NOT NULL AND body_kek_version <> 2',
      );
      expect(rows[0]!.n).toBe(0);
      // a process that loaded the keys before the rotation (the running service) reads them too
      const fresh = new PgEvidenceStore(db, { cipher: new LocalEvidenceCipher({ dir: keyDir }) });
      for (const r of saved) expect(body(await fresh.getEvidence(r.evidence.hashHex))).toEqual(r.evidence.pkg);
      expect((await rewrapBodies(db, cipher)).rewrapped).toBe(0); // idempotent
    },
  );

  it.skipIf(skipBackend(backend))('rows written in clear before the migration are read as they are, then sealed by rewrap', async () => {
    const m = marker();
    const old = record(withMarker(m, `legacy-${m}`));
    await new PgEvidenceStore(db).save(old); // no cipher: the form rows had before issue 22
    expect(body(await store.getEvidence(old.evidence.hashHex))).toEqual(old.evidence.pkg);
    expect(await everyRowAsText(db)).toContain(m);
    expect((await rewrapBodies(db, cipher)).sealed).toBeGreaterThanOrEqual(1);
    expect(await everyRowAsText(db)).not.toContain(m);
    expect(body(await store.getEvidence(old.evidence.hashHex))).toEqual(old.evidence.pkg);
  });

  it.skipIf(skipBackend(backend))('every other change of an evidence row is still refused', async () => {
    const r = record(uniquePackage(`final-${marker()}`));
    await store.save(r);
    for (const sql of [
      "UPDATE evidence SET event_type = 'x' WHERE hash = $1",
      "UPDATE evidence SET canonical = '{}', body = NULL, body_wrapped_key = NULL WHERE hash = $1",
      'DELETE FROM evidence WHERE hash = $1',
    ])
      await expect(db.query(sql, [r.evidence.hashHex])).rejects.toMatchObject({ code: '42501' });
  });

  it.skipIf(skipBackend(backend))(
    'retention purges expired bodies with an audit row each; the receipt record stays and a purge cannot be undone',
    async () => {
      const r = record(uniquePackage(`purge-${marker()}`), new Date(Date.now() - 3 * 86_400_000));
      await store.save(r);
      const kept = record(uniquePackage(`keep-${marker()}`));
      await store.save(kept);
      const purged = await purgeExpiredBodies(db, audit, new Date(Date.now() - 2 * 86_400_000), 2);
      expect(purged).toBeGreaterThanOrEqual(1);
      const gone = await store.getEvidence(r.evidence.hashHex);
      expect(gone && isPurged(gone)).toBe(true);
      expect(gone?.workflow_ids).toEqual([r.workflow.id]);
      expect(body(await store.getEvidence(kept.evidence.hashHex))).toEqual(kept.evidence.pkg);
      expect((await store.getReceiptRecord(r.workflow.id))?.signature.signature).toEqual(r.signature.signature);
      const { rows } = await db.query<{ details: string }>("SELECT details::text FROM audit_log WHERE event = 'evidence.purged'");
      expect(rows.map((x) => JSON.parse(x.details).evidence_hash)).toContain(r.evidence.hashHex);
      expect(
        (await store.findEvidence({ actorId: r.evidence.pkg.actor.id, pageSize: 500 })).items.map((e) => e.evidence_package_hash),
      ).not.toContain(r.evidence.hashHex);
      const { rows: raw } = await db.query('SELECT canonical, body, body_wrapped_key FROM evidence WHERE hash = $1', [r.evidence.hashHex]);
      expect(raw[0]).toEqual({ canonical: null, body: null, body_wrapped_key: null });
      await expect(
        db.query("UPDATE evidence SET body_purged_at = NULL, canonical = '{}' WHERE hash = $1", [r.evidence.hashHex]),
      ).rejects.toMatchObject({ code: '42501' });
      expect(await purgeExpiredBodies(db, audit, new Date(Date.now() - 2 * 86_400_000), 2)).toBe(0);
    },
  );
  // last: it leaves two tampered rows behind
  it.skipIf(skipBackend(backend))(
    'a ciphertext or wrapped key swapped between two rows is refused on read (GCM tag, AAD = the hash)',
    async () => {
      const [a, b] = [record(uniquePackage(`swap-a-${marker()}`)), record(uniquePackage(`swap-b-${marker()}`))];
      await Promise.all([store.save(a), store.save(b)]);
      // the trigger refuses it as a statement …
      await expect(
        db.query('UPDATE evidence SET body = (SELECT body FROM evidence WHERE hash = $2) WHERE hash = $1', [
          a.evidence.hashHex,
          b.evidence.hashHex,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
      // … and a writer who switches it off is caught by the reader
      await tamper(db, 'evidence', [
        [
          `UPDATE evidence x SET body = y.body, body_wrapped_key = y.body_wrapped_key FROM evidence y
        WHERE (x.hash, y.hash) IN (($1, $2), ($2, $1))`,
          [a.evidence.hashHex, b.evidence.hashHex],
        ],
      ]);
      await expect(store.getEvidence(a.evidence.hashHex)).rejects.toBeInstanceOf(EvidenceIntegrityError);
      await expect(store.getEvidence(b.evidence.hashHex)).rejects.toBeInstanceOf(EvidenceIntegrityError);
      // the wrapped key alone may change (a re-wrap), but another row's does not open this one
      const c = record(uniquePackage(`swap-c-${marker()}`));
      await store.save(c);
      await db.query('UPDATE evidence SET body_wrapped_key = (SELECT body_wrapped_key FROM evidence WHERE hash = $2) WHERE hash = $1', [
        c.evidence.hashHex,
        a.evidence.hashHex,
      ]);
      await expect(store.getEvidence(c.evidence.hashHex)).rejects.toMatchObject({ code: 'evidence_integrity' });
      // a re-wrap reports the rows it cannot open and moves on with the others
      const d = record(uniquePackage(`swap-d-${marker()}`));
      await store.save(d);
      await cipher.rotate();
      const report = await rewrapBodies(db, cipher);
      expect(report.refused).toEqual(expect.arrayContaining([a.evidence.hashHex, b.evidence.hashHex, c.evidence.hashHex]));
      expect(report.refused).not.toContain(d.evidence.hashHex);
      expect(body(await store.getEvidence(d.evidence.hashHex))).toEqual(d.evidence.pkg);
    },
  );
});
