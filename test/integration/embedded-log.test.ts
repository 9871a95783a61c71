import { createHash, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { verifyConsistency } from '../../src/core/merkle/index.js';
import { entryIsValid, verifyCheckpoint, verifyLogEntry, vkey } from '../../src/core/transparency/index.js';
import type { AnchorRequest } from '../../src/ports/transparency-log.js';
import {
  backends,
  embeddedUrl,
  freshEmbeddedDatabase,
  freshPostgresDatabase,
  MIGRATIONS,
  openMigrated,
  skipBackend,
} from '../support/databases.js';
import { generateP256KeyPair } from '../../src/core/keys.js';
import { colocatedStore } from '../support/colocated.js';
import { NotaryError } from '../../src/core/errors.js';

const KEK = randomBytes(32);
const signer = generateP256KeyPair();
const signerPem = signer.publicKey.export({ format: 'pem', type: 'spki' }).toString();

function anchorRequest(n: number): AnchorRequest {
  const data = Buffer.from(`evidence-${n}-${randomBytes(4).toString('hex')}`);
  return {
    digestHex: createHash('sha256').update(data).digest('hex'),
    signature: sign('sha256', data, signer.privateKey),
    publicKeyPem: signerPem,
  };
}

describe.each(backends)('EmbeddedLog on %s', (backend) => {
  let db: SqlClient;
  let log: EmbeddedLog;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openMigrated(backend);
    log = await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, KEK), origin: 'notary.test/log', url: 'http://127.0.0.1' });
  });
  afterAll(async () => db?.close());

  it.skipIf(skipBackend(backend))('returns entries whose SET, inclusion proof and checkpoint verify, and batches appends', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => anchorRequest(i));
    const entries = await Promise.all(requests.map((r) => log.append(r)));
    const { publicKey } = await loadOrCreateLogKey(db, KEK);
    entries.forEach((e, i) => expect(entryIsValid(verifyLogEntry(e, publicKey, requests[i]))).toBe(true));
    expect(new Set(entries.map((e) => e.logIndex)).size).toBe(200);
    const checkpoints = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_checkpoints');
    expect(checkpoints.rows[0]!.n).toBeLessThan(20); // one checkpoint per batch, not per entry
  });

  it.skipIf(skipBackend(backend))(
    'describes itself the same on every call (built once), and no caller can change another’s answer',
    async () => {
      const { noteKey, publicKeyPem } = await loadOrCreateLogKey(db, KEK);
      const first = await log.info();
      expect(first).toEqual({
        logID: log.logID,
        url: 'http://127.0.0.1',
        publicKeyPem,
        origin: 'notary.test/log',
        apiVersion: 1,
        keyName: 'notary.test/log',
        vkey: vkey(noteKey.publicKey, 'notary.test/log'),
        tilesUrl: first.tilesUrl,
      });
      expect(first.tilesUrl).toMatch(/^http:\/\/127\.0\.0\.1\//);
      first.url = 'changed by a caller';
      expect(await log.info()).toEqual({ ...first, url: 'http://127.0.0.1' });
    },
  );

  it.skipIf(skipBackend(backend))('reports the largest checkpoint as latest across a digit boundary (9 → 10)', async () => {
    const fresh = await openMigrated(backend);
    const small = await EmbeddedLog.open({ db: fresh, key: await loadOrCreateLogKey(fresh, KEK), origin: 'o', url: 'u' });
    for (let i = 0; i < 10; i++) await small.append(anchorRequest(7000 + i)); // checkpoints 1 … 10
    expect((await small.checkpoint()).treeSize).toBe(10);
    expect(await small.entry({ logIndex: 9 })).toBeDefined();
    await fresh.close();
  });

  it.skipIf(skipBackend(backend))('logs a signature once even when it is anchored twice', async () => {
    const r = anchorRequest(-1);
    const [a, b] = await Promise.all([log.append(r), log.append(r)]);
    expect(a.logIndex).toBe(b.logIndex);
    const again = await log.append(r);
    expect(again.uuid).toBe(a.uuid);
    // the UUID is the RFC 6962 leaf hash of the logged body, for a new leaf and a known one alike
    const leafHashOf = (body: string) =>
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(Buffer.from(body, 'base64'))
        .digest('hex');
    expect([a.uuid, again.uuid]).toEqual([leafHashOf(a.body), leafHashOf(again.body)]);
    expect(await log.entry({ uuid: a.uuid })).toMatchObject({ logIndex: a.logIndex, body: a.body });
  });

  it.skipIf(skipBackend(backend))('serves verifiable consistency proofs between checkpoints', async () => {
    const { publicKey } = await loadOrCreateLogKey(db, KEK);
    const first = await log.checkpoint();
    await Promise.all(Array.from({ length: 37 }, (_, i) => log.append(anchorRequest(1000 + i))));
    const last = await log.checkpoint();
    expect(verifyCheckpoint(last.note, publicKey, 'notary.test/log').size).toBe(last.treeSize);
    const proof = await log.consistencyProof(first.treeSize, last.treeSize);
    expect(
      verifyConsistency(
        first.treeSize,
        last.treeSize,
        proof.hashes.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(first.rootHash, 'hex'),
        Buffer.from(last.rootHash, 'hex'),
      ),
    ).toBe(true);
  });
});

describe('EmbeddedLog replicas on one PostgreSQL', () => {
  it.skipIf(skipBackend('postgres'))('never fork the tree when many connections append at once', async () => {
    const url = await freshPostgresDatabase();
    const setup = connectPostgres(url, 2);
    await migrate(setup, MIGRATIONS);
    const replicas = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const db = connectPostgres(url, 4);
        return {
          db,
          log: await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, KEK), origin: 'notary.test/log', url: 'http://x' }),
        };
      }),
    );
    const requests = Array.from({ length: 400 }, (_, i) => anchorRequest(i));
    const entries = await Promise.all(requests.map((r, i) => replicas[i % 4]!.log.append(r)));
    const { publicKey } = await loadOrCreateLogKey(setup, KEK);
    expect(new Set(entries.map((e) => e.logIndex))).toEqual(new Set(Array.from({ length: 400 }, (_, i) => i)));
    entries.forEach((e, i) => expect(verifyLogEntry(e, publicKey, requests[i]).filter((c) => !c.ok)).toEqual([]));
    // every replica agrees on the final tree
    const heads = await Promise.all(replicas.map((r) => r.log.checkpoint()));
    expect(new Set(heads.map((h) => h.rootHash)).size).toBe(1);
    await Promise.all([...replicas.map((r) => r.db.close()), setup.close()]);
  });
});

describe.each([
  ['shared (locks and catches up in the transaction)', 'embedded', false],
  ['exclusive (plans the batch, one round trip)', 'embedded', true],
  ['shared (locks and catches up in the transaction)', 'postgres', false],
] as const)('store and embedded log in one transaction, log %s, on %s', (_name, backend, exclusive) => {
  it.skipIf(skipBackend(backend))('commits evidence, signature, leaf and anchor together, and rolls all back together', async () => {
    const { record, uniquePackage } = await import('../support/records.js');
    const db = await openMigrated(backend);
    const log = await EmbeddedLog.open({
      db,
      key: await loadOrCreateLogKey(db, KEK),
      origin: 'notary.test/log',
      url: 'http://log',
      exclusive,
    });
    const { store, saveAnchored } = colocatedStore(db, log);
    const { publicKey } = await loadOrCreateLogKey(db, KEK);
    const signed = (n: string) => record(uniquePackage(n));
    const batch = Array.from({ length: 50 }, (_, i) => signed(`atomic-${i}`));
    const anchors = await Promise.all(batch.map(saveAnchored));
    anchors.forEach((a, i) =>
      expect(
        entryIsValid(
          verifyLogEntry(a!.entry, publicKey, {
            digestHex: batch[i]!.evidence.hashHex,
            signature: batch[i]!.signature.signature,
            publicKeyPem: batch[i]!.signature.publicKeyPem,
          }),
        ),
      ).toBe(true),
    );
    expect((await store.getReceiptRecord(batch[7]!.workflow.id))?.anchor).toEqual(anchors[7]);
    expect(await store.pendingAnchors(100)).toEqual([]);

    // a batch whose workflow insert fails (duplicate id) must leave no leaf, no evidence, no checkpoint behind
    const sizeBefore = (await log.checkpoint()).treeSize;
    const dup = { ...signed('atomic-dup'), workflow: batch[0]!.workflow };
    await expect(saveAnchored(dup)).rejects.toMatchObject({ code: 'unavailable' });
    expect((await log.checkpoint()).treeSize).toBe(sizeBefore);
    expect(await store.getEvidence(dup.evidence.hashHex)).toBeUndefined();
    // and the log's cached tree recovered: the next entry lands at the next index and verifies
    const next = signed('atomic-next');
    const a = await saveAnchored(next);
    expect(a!.entry.logIndex).toBe(sizeBefore);
    expect(entryIsValid(verifyLogEntry(a!.entry, publicKey))).toBe(true);

    // a unit whose log part never comes (the append failed before handing it over) fails its record
    // when cancelled, commits nothing, and does not hold up the units after it
    const orphan = signed('atomic-orphan');
    const { units } = colocatedStore(db, log);
    const unit = units.open();
    const saving = store.save(orphan, unit);
    unit.cancel(new NotaryError('unavailable', 'the log refused'));
    await expect(saving).rejects.toMatchObject({ code: 'unavailable' });
    expect(await store.getWorkflow(orphan.workflow.id)).toBeUndefined();
    expect((await saveAnchored(signed('atomic-after'))).entry.logIndex).toBe(sizeBefore + 1);
    await db.close();
  });
});

describe('exclusive embedded log when the database goes away mid-batch', () => {
  it('numbers the first batch after the outage after the committed leaves, though its rebuild failed', async () => {
    const { record, uniquePackage } = await import('../support/records.js');
    const url = await freshEmbeddedDatabase();
    const name = new URL(url).pathname.slice(1);
    const admin = connectPostgres(embeddedUrl());
    const db = connectPostgres(url, { kind: 'embedded' });
    try {
      await migrate(db, MIGRATIONS);
      const log = await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, KEK), origin: 'o', url: 'http://log', exclusive: true });
      const { saveAnchored } = colocatedStore(db, log);
      const signed = (n: string) => record(uniquePackage(n));
      for (let i = 0; i < 3; i++) await saveAnchored(signed(`before-${i}`));

      // the database refuses every session: the batch fails, and so does the rebuild of the cached tree
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await expect(saveAnchored(signed('during'))).rejects.toMatchObject({ code: 'unavailable' });
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);

      // back: the next notarization lands at index 3 (not 0 again, which the leaves' key refuses)
      const after = await saveAnchored(signed('after'));
      expect(after.entry.logIndex).toBe(3);
      expect(entryIsValid(verifyLogEntry(after.entry, (await loadOrCreateLogKey(db, KEK)).publicKey))).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await Promise.all([db.close(), admin.close()]);
    }
  });
});
