/**
 * Retiring old evidence KEK versions (issue 22): refused while a stored body is wrapped by one;
 * after a complete rewrap the old key material is destroyed in the keyring file, every body stays
 * readable, and a purged body whose ciphertext survives elsewhere (old WAL, an old dump) can no
 * longer be opened with the keyring — while a backup taken before keeps the keyring it needs.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditChainWriter } from '../../src/adapters/audit/chain-writer.js';
import { LocalEvidenceCipher, type KekFile } from '../../src/adapters/signer/local/evidence-cipher.js';
import { retireOldKeks } from '../../src/adapters/signer/local/kek-retirement.js';
import { purgeExpiredBodies, rewrapBodies } from '../../src/adapters/store/evidence-retention.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import type { StoredEvidence } from '../../src/core/workflow.js';
import type { SealedBody } from '../../src/ports/evidence-cipher.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { backends, openMigrated, skipBackend, tempDir, type Backend } from '../support/databases.js';
import { sign } from '../support/http.js';
import { record, uniquePackage } from '../support/records.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const keyFile = (dir: string) => JSON.parse(readFileSync(join(dir, 'evidence-keks.json'), 'utf8')) as KekFile;
const errorCode = (fn: () => Promise<unknown>) =>
  fn().then(
    () => 'opened',
    (err: { code?: string }) => err.code,
  );

async function storeWithKeyring(backend: Backend = 'embedded') {
  const db: SqlClient = await openMigrated(backend);
  closers.push(() => db.close());
  const keyDir = tempDir();
  const cipher = new LocalEvidenceCipher({ dir: keyDir });
  const audit = new AuditChainWriter(db);
  const store = new PgEvidenceStore(db, { anchorGraceSeconds: 0, cipher, audit });
  const sealedOf = async (hash: string): Promise<SealedBody> => {
    const {
      rows: [r],
    } = await db.query<{ body_kek: string; body_kek_version: number; body_wrapped_key: string; body: string }>(
      'SELECT body_kek, body_kek_version, body_wrapped_key, body FROM evidence WHERE hash = $1',
      [hash],
    );
    return { kekId: r!.body_kek, kekVersion: r!.body_kek_version, wrappedKey: r!.body_wrapped_key, body: r!.body };
  };
  return { db, keyDir, cipher, audit, store, sealedOf };
}

describe('retiring old evidence KEK versions', () => {
  it('is refused while a body is wrapped by the version; after a complete rewrap it destroys the key, every body stays readable, numbering goes on', async () => {
    const { db, keyDir, cipher, audit, store } = await storeWithKeyring();
    const saved = Array.from({ length: 6 }, (_, i) => record(uniquePackage(`retire-${i}`)));
    for (const r of saved) await store.save(r);
    // the running service loaded the keyring before the CLI rotated: it seals with the new version anyway
    const serviceCipher = new LocalEvidenceCipher({ dir: keyDir });
    const stale = record(uniquePackage('retire-stale'));
    const staleSeal = await serviceCipher.seal(stale.evidence.hashHex, stale.evidence.canonical); // sealed before the rotation
    expect(staleSeal.kekVersion).toBe(1);
    const cli = new LocalEvidenceCipher({ dir: keyDir });
    expect(await cli.rotate()).toBe(2);
    const late = record(uniquePackage('retire-late'));
    await new PgEvidenceStore(db, { anchorGraceSeconds: 0, cipher: serviceCipher, audit }).save(late);
    const {
      rows: [lateRow],
    } = await db.query<{ v: number }>('SELECT body_kek_version AS v FROM evidence WHERE hash = $1', [late.evidence.hashHex]);
    expect(lateRow!.v).toBe(2);

    await expect(retireOldKeks(db, audit, keyDir)).rejects.toMatchObject({ code: 'kek_in_use', inUse: [{ version: 1, rows: 6 }] });
    expect(keyFile(keyDir).keys[0]!.key).toBeDefined(); // nothing retired

    expect((await rewrapBodies(db, cli)).rewrapped).toBe(6);
    expect(await retireOldKeks(db, audit, keyDir)).toEqual({ kekId: 'afdp-evidence-kek', latestVersion: 2, retired: [1] });
    const file = keyFile(keyDir);
    expect(file.keys[0]).toEqual({ version: 1, createdAt: expect.any(String), retiredAt: expect.any(String) });
    expect(file.keys[1]!.key).toBeDefined();
    const { rows: audited } = await db.query<{ details: string }>("SELECT details FROM audit_log WHERE event = 'evidence.kek_retired'");
    expect(audited.map((r) => JSON.parse(r.details))).toEqual([{ kek_id: 'afdp-evidence-kek', versions: [1], latest_version: 2 }]);

    // every body readable: by a process started now, by the one that loaded v1 before, by the store's own
    for (const c of [new LocalEvidenceCipher({ dir: keyDir }), serviceCipher, cipher]) {
      const reader = new PgEvidenceStore(db, { cipher: c });
      for (const r of [...saved, late])
        expect(((await reader.getEvidence(r.evidence.hashHex)) as StoredEvidence).evidence_package).toEqual(r.evidence.pkg);
    }
    expect((await retireOldKeks(db, audit, keyDir)).retired).toEqual([]); // idempotent
    // a body sealed with v1 just before the retirement (still queued in a group commit) cannot be stored
    const refused = await db
      .query(
        `INSERT INTO evidence (hash, event_type, actor_id, actor_type, artifact_hashes, timestamp_utc, created_at, body_kek, body_kek_version, body_wrapped_key, body)
       SELECT $1, event_type, actor_id, actor_type, artifact_hashes, timestamp_utc, now(), $2, $3, $4, $5 FROM evidence LIMIT 1`,
        [stale.evidence.hashHex, staleSeal.kekId, staleSeal.kekVersion, staleSeal.wrappedKey, staleSeal.body],
      )
      .then(
        () => 'stored',
        (err: { code?: string }) => err.code,
      );
    expect(refused).toBe('23514');
    expect(
      await db.query('DELETE FROM evidence_kek_retired').then(
        () => 'deleted',
        (err: { code?: string }) => err.code,
      ),
    ).toBe('42501');
    // a process that still had the old file in memory rotates: the next version, and v1 stays destroyed
    expect(await cipher.rotate()).toBe(3);
    expect(keyFile(keyDir).keys.map((k) => [k.version, k.key !== undefined])).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
  });

  it('purge + rotation + retirement: a purged body whose ciphertext survives elsewhere cannot be opened with the keyring; a keyring backed up before still opens it', async () => {
    const { db, keyDir, cipher, audit, store, sealedOf } = await storeWithKeyring();
    const old = record(uniquePackage('retire-purged'), new Date(Date.now() - 3 * 86_400_000));
    const kept = record(uniquePackage('retire-kept'));
    await store.save(old);
    await store.save(kept);
    const leftover = await sealedOf(old.evidence.hashHex); // what an old WAL segment, tuple version or dump still holds
    const backup = tempDir();
    cpSync(keyDir, backup, { recursive: true }); // what `afdp-notary backup` carries (keyring/)
    expect(await purgeExpiredBodies(db, audit, new Date(Date.now() - 86_400_000), 1)).toBe(1);
    expect((await cipher.open(old.evidence.hashHex, leftover)).toString()).toBe(old.evidence.canonical.toString()); // purging alone is not enough

    await new LocalEvidenceCipher({ dir: keyDir }).rotate();
    await rewrapBodies(db, new LocalEvidenceCipher({ dir: keyDir }));
    expect((await retireOldKeks(db, audit, keyDir)).retired).toEqual([1]);
    expect(await errorCode(() => new LocalEvidenceCipher({ dir: keyDir }).open(old.evidence.hashHex, leftover))).toBe('evidence_integrity');
    expect(await errorCode(() => cipher.open(old.evidence.hashHex, leftover))).toBe('evidence_integrity'); // forgotten in memory too
    expect(readFileSync(join(keyDir, 'evidence-keks.json'), 'utf8')).not.toContain(keyFile(backup).keys[0]!.key!.ciphertext); // the sealed v1 is gone from the file
    // the kept body is readable; the backup's own keyring still opens what the backup holds
    expect(
      (
        (await new PgEvidenceStore(db, { cipher: new LocalEvidenceCipher({ dir: keyDir }) }).getEvidence(
          kept.evidence.hashHex,
        )) as StoredEvidence
      ).evidence_package,
    ).toEqual(kept.evidence.pkg);
    expect((await new LocalEvidenceCipher({ dir: backup }).open(old.evidence.hashHex, leftover)).toString()).toBe(
      old.evidence.canonical.toString(),
    );
  });
});

describe.each(backends)('the retired-version check in a batch on %s', (backend) => {
  it.skipIf(skipBackend(backend))(
    'a batch holding one body sealed with a retired version stores the others and refuses that one; a re-wrap to it is refused',
    async () => {
      const { db, keyDir, cipher, audit, sealedOf } = await storeWithKeyring(backend);
      const stale = record(uniquePackage('retired-in-batch'));
      const staleSeal = await cipher.seal(stale.evidence.hashHex, stale.evidence.canonical); // sealed, then queued while v1 is retired
      expect(staleSeal.kekVersion).toBe(1);
      expect(await cipher.rotate()).toBe(2);
      expect((await retireOldKeks(db, audit, keyDir)).retired).toEqual([1]);
      // the batch's cipher seals with v2, except the stale body, whose seal was made before
      const routed = new Proxy(cipher, {
        get: (target, prop) =>
          prop === 'seal'
            ? (hash: string, plain: Buffer) => (hash === stale.evidence.hashHex ? Promise.resolve(staleSeal) : target.seal(hash, plain))
            : Reflect.get(target, prop),
      });
      const store = new PgEvidenceStore(db, { anchorGraceSeconds: 0, cipher: routed, audit });
      const fresh = Array.from({ length: 8 }, (_, i) => record(uniquePackage(`live-in-batch-${i}`)));
      // submitted together: one group-commit batch, split by the committer when the database refuses it
      const outcomes = await Promise.allSettled([...fresh, stale].map((r) => store.save(r)));
      expect(outcomes.slice(0, -1).every((o) => o.status === 'fulfilled')).toBe(true);
      expect(outcomes.at(-1)).toMatchObject({ status: 'rejected' });
      const { rows } = await db.query<{ hash: string; v: number }>('SELECT hash, body_kek_version AS v FROM evidence');
      expect(rows.map((r) => r.hash).sort()).toEqual(fresh.map((r) => r.evidence.hashHex).sort());
      expect(new Set(rows.map((r) => r.v))).toEqual(new Set([2]));
      // a re-wrap (UPDATE of the wrapping) to the retired version: still refused row by row
      expect((await sealedOf(fresh[0]!.evidence.hashHex)).kekVersion).toBe(2);
      const rewrapped = await db
        .query('UPDATE evidence SET body_kek_version = $2, body_wrapped_key = $3 WHERE hash = $1', [
          fresh[0]!.evidence.hashHex,
          staleSeal.kekVersion,
          staleSeal.wrappedKey, // v1's wrapping of another row's data key: the KEK check refuses it before anything else would
        ])
        .then(
          () => 'updated',
          (err: { code?: string }) => err.code,
        );
      expect(rewrapped).toBe('23514');
    },
  );
});

describe('afdp-notary rewrap --rotate --retire-old on the embedded default', () => {
  it('is refused beside the running service; stopped, it rotates, re-wraps and retires; a backup from before restores and reads with its own keyring', async () => {
    let app: TestApp = await startTestApp();
    closers.push(() => app.close());
    const dataDir = app.config.dataDir;
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await sign(app.rest, uniquePackage(`retire-cli-${i}`));
      expect(res.status).toBe(200);
      hashes.push(res.body.receipt.evidence_package_hash);
    }
    const url = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    const out = join(tempDir('notary-backup-'), 'b');
    expect((await runCli({ NOTARY_DATA_DIR: dataDir }, ['backup', '--out', out, '--url', url])).code).toBe(0);
    expect(keyFile(join(out, 'keyring')).keys.map((k) => k.version)).toEqual([1]); // the backup carries its KEK

    const beside = await runCli({ NOTARY_DATA_DIR: dataDir }, ['rewrap', '--rotate', '--retire-old']);
    expect(beside.code).toBe(2);
    expect(keyFile(join(dataDir, 'keyring')).keys).toHaveLength(1); // nothing rotated
    await app.close();

    const done = await runCli({ NOTARY_DATA_DIR: dataDir }, ['rewrap', '--rotate', '--retire-old']);
    expect(done.code, done.lines.join('\n')).toBe(0);
    expect(done.lines.join('\n')).toMatch(/retired evidence KEK version 1/);
    expect(keyFile(join(dataDir, 'keyring')).keys.map((k) => [k.version, k.key !== undefined])).toEqual([
      [1, false],
      [2, true],
    ]);
    const audit = await runCli({ NOTARY_DATA_DIR: dataDir }, ['audit', 'verify', '--json']);
    expect(audit.code, audit.lines.join('\n')).toBe(0);

    app = await startTestApp({ NOTARY_DATA_DIR: dataDir });
    for (const h of hashes) expect((await app.rest.inject(`/api/v1/evidence/${h}`)).statusCode).toBe(200);
    await app.close();

    const target = tempDir('notary-restore-');
    const restored = await runCli({}, ['restore', out, '--data-dir', target]);
    expect(restored.code, restored.lines.join('\n')).toBe(0);
    app = await startTestApp({ NOTARY_DATA_DIR: target });
    for (const h of hashes) expect((await app.rest.inject(`/api/v1/evidence/${h}`)).statusCode).toBe(200);
  }, 120_000);
});
