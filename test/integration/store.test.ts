import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/store/migrate.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { isNotaryError } from '../../src/core/errors.js';
import { backends, MIGRATIONS, openMigrated, skipBackend } from '../support/databases.js';
import { fixture, record, uniquePackage } from '../support/records.js';

describe.each(backends)('PgEvidenceStore on %s', (backend) => {
  let db: SqlClient;
  let store: PgEvidenceStore;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openMigrated(backend);
    store = new PgEvidenceStore(db, { anchorGraceSeconds: 0 });
  });
  afterAll(async () => store?.close());

  it.skipIf(skipBackend(backend))('migrations are applied once, even when run again', async () => {
    expect(await migrate(db, MIGRATIONS)).toEqual([]);
  });

  it.skipIf(skipBackend(backend))('stores concurrent saves in batches and reads them back exactly', async () => {
    const records = Array.from({ length: 300 }, (_, i) => record(uniquePackage(`batch-${i}`)));
    await Promise.all(records.map((r) => store.save(r)));
    for (const r of [records[0]!, records[299]!]) {
      const got = await store.getReceiptRecord(r.workflow.id);
      expect(got?.workflow).toEqual(r.workflow);
      expect(got?.signature.signature.equals(r.signature.signature)).toBe(true);
      expect(got?.anchor).toBeNull();
      const ev = await store.getEvidence(r.evidence.hashHex);
      expect(ev && 'evidence_package' in ev ? ev.evidence_package : undefined).toEqual(r.evidence.pkg);
      expect(ev?.workflow_ids).toEqual([r.workflow.id]);
    }
  });

  it.skipIf(skipBackend(backend))('finds evidence by artifact hash, event type and actor', async () => {
    const pkg = uniquePackage('find-me');
    pkg.actor = { ...pkg.actor, id: 'finder-actor' };
    pkg.artifacts = [{ name: 'x', hash_sha256: 'f'.repeat(64) }];
    const r = record(pkg);
    await store.save(r);
    const byArtifact = await store.findEvidence({ artifactHash: 'f'.repeat(64), pageSize: 10 });
    expect(byArtifact.items.map((e) => e.evidence_package_hash)).toEqual([r.evidence.hashHex]);
    const byActor = await store.findEvidence({ actorId: 'finder-actor', eventType: 'ai.model.deployment', pageSize: 10 });
    expect(byActor.items).toHaveLength(1);
    expect((await store.findEvidence({ actorId: 'finder-actor', eventType: 'other.type', pageSize: 10 })).items).toHaveLength(0);
  });

  it.skipIf(skipBackend(backend))('paginates workflows without skipping or repeating rows while others insert', async () => {
    const base = new Date('2030-01-01T00:00:00Z').getTime();
    const existing = Array.from({ length: 57 }, (_, i) => record(uniquePackage(`page-${i}`), new Date(base + (i % 5) * 1000)));
    await Promise.all(existing.map((r) => store.save(r)));
    const seen: string[] = [];
    let token: string | undefined;
    let n = 0;
    do {
      // concurrent inserts, all newer than every row already listed
      await Promise.all([0, 1, 2].map((k) => store.save(record(uniquePackage(`late-${n}-${k}`), new Date(base + 10_000 + n)))));
      const page = await store.listWorkflows({
        pageSize: 10,
        pageToken: token,
        startTime: new Date(base).toISOString(),
        endTime: new Date(base + 5000).toISOString(),
      });
      seen.push(...page.items.map((w) => w.id));
      token = page.nextPageToken ?? undefined;
      n++;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(existing.map((r) => r.workflow.id)));
  });

  it.skipIf(skipBackend(backend))('filters workflows by status', async () => {
    expect((await store.listWorkflows({ pageSize: 5, status: 'failed' })).items).toEqual([]);
    expect((await store.listWorkflows({ pageSize: 5, status: 'completed' })).items).toHaveLength(5);
  });

  it.skipIf(skipBackend(backend))("rejects a page token it did not issue, forged ones included, as the caller's error", async () => {
    const forge = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const tokens = [
      'garbage',
      forge({ t: '2024-01-01T00:00:00.000Z', k: 'not-a-uuid' }),
      forge({ t: '+275760-09-13T00:00:00.000Z', k: '00000000-0000-4000-8000-000000000000' }),
      forge({ t: '0000-01-01T00:00:00.000Z', k: '00000000-0000-4000-8000-000000000000' }),
      forge({ t: '2024-02-30T00:00:00.000Z', k: '00000000-0000-4000-8000-000000000000' }),
    ];
    for (const pageToken of tokens) {
      const err = await store.listWorkflows({ pageSize: 5, pageToken }).catch((e) => e);
      expect(isNotaryError(err) && err.code, pageToken).toBe('invalid_request');
    }
    const err = await store
      .findEvidence({ pageSize: 5, pageToken: forge({ t: '2024-01-01T00:00:00.000Z', k: "x' OR 1=1" }) })
      .catch((e) => e);
    expect(isNotaryError(err) && err.code).toBe('invalid_request');
  });

  it.skipIf(skipBackend(backend))('claims an idempotency key once and reports the holder to others', async () => {
    const r = record(fixture());
    expect(await store.claimIdempotencyKey('idem-1', 'h1', r.workflow.id)).toEqual({ claimed: true });
    expect(await store.claimIdempotencyKey('idem-1', 'h2', '00000000-0000-4000-8000-000000000000')).toEqual({
      claimed: false,
      requestHash: 'h1',
      workflowId: r.workflow.id,
    });
    await store.releaseIdempotencyKey('idem-1', r.workflow.id);
    expect(await store.claimIdempotencyKey('idem-1', 'h3', r.workflow.id)).toEqual({ claimed: true });
  });

  it.skipIf(skipBackend(backend))('lists unanchored signatures until an anchor is saved', async () => {
    const r = record(uniquePackage('anchor-me'));
    await store.save(r);
    expect((await store.pendingAnchors(10_000)).map((p) => p.workflowId)).toContain(r.workflow.id);
    const entry = {
      uuid: 'u',
      logIndex: 7,
      integratedTime: 1700000000,
      logID: 'l',
      body: 'b',
      signedEntryTimestamp: 's',
      inclusionProof: { logIndex: 7, rootHash: 'r', treeSize: 8, hashes: ['h'], checkpoint: 'c' },
    };
    await Promise.all([
      store.saveAnchor(r.workflow.id, { entry, logUrl: 'http://log' }),
      store.saveAnchor(r.workflow.id, { entry, logUrl: 'http://log' }),
    ]);
    expect((await store.pendingAnchors(10_000)).map((p) => p.workflowId)).not.toContain(r.workflow.id);
    expect((await store.getReceiptRecord(r.workflow.id))?.anchor).toEqual({ entry, logUrl: 'http://log' });
  });
});
