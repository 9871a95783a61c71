import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalKeyringSigner } from '../../src/adapters/signer/local/index.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { NotaryError, isNotaryError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Notary } from '../../src/core/notary.js';
import type { KeySigner } from '../../src/ports/key-signer.js';
import type { TransparencyLog } from '../../src/ports/transparency-log.js';
import { openMigrated, tempDir } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';

const logger = pino({ level: 'silent' });
const opened: SqlClient[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function setup() {
  const db = await openMigrated();
  opened.push(db);
  const store = new PgEvidenceStore(db, { anchorGraceSeconds: 0 });
  const signer = new LocalKeyringSigner({ dir: tempDir() });
  const log = await EmbeddedLog.open({
    db,
    key: await loadOrCreateLogKey(db, randomBytes(32)),
    origin: 'test/log',
    url: 'http://log.test',
  });
  const notary = (over: Partial<{ log: TransparencyLog; signer: KeySigner }> = {}) =>
    new Notary({
      signer,
      log,
      store,
      logger,
      limits: DEFAULT_LIMITS,
      clock: { now: () => new Date() },
      ids: { next: randomUUID },
      ...over,
    });
  return { db, store, signer, log, notary };
}

/** A log that is down: every append fails the way the Rekor adapter reports an outage. */
const downLog = (real: TransparencyLog): TransparencyLog => ({
  backend: 'down',
  info: () => real.info(),
  ping: async () => {},
  close: async () => {},
  append: async () => {
    throw new NotaryError('unavailable', 'log unreachable');
  },
});

describe('anchoring is decoupled from signing and never lost', () => {
  it('acknowledges with anchoring pending when the log is down, then anchors exactly once later', async () => {
    const { db, log, notary } = await setup();
    const whileDown = notary({ log: downLog(log) });
    const pkg = uniquePackage('pending');
    const { receipt } = await whileDown.notarize(pkg);
    expect(receipt.anchoring).toBe('pending');
    expect(receipt.log_index).toBeNull();
    const early = await whileDown.validate(pkg, receipt);
    expect(early.is_valid).toBe(true);
    expect(early.validation_result.warnings.join()).toMatch(/not anchored/);

    // "restart" with the log back: a new Notary over the same database
    const restarted = notary();
    expect(await restarted.anchorPending()).toBe(1);
    expect(await restarted.anchorPending()).toBe(0);
    const anchored = await restarted.getReceipt(receipt.workflow_id);
    expect(anchored.anchoring).toBe('anchored');
    expect((await restarted.validate(pkg, anchored)).validation_result.rekor_entry_valid).toBe(true);
    const leaves = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_leaves');
    expect(leaves.rows[0]!.n).toBe(1);
  });

  it('acknowledges nothing when the signer fails, and frees the Idempotency-Key for a retry', async () => {
    const { store, signer, notary } = await setup();
    const broken: KeySigner = {
      ...signer,
      backend: 'broken',
      algorithm: signer.algorithm,
      sign: async () => {
        throw new NotaryError('unavailable', 'vault sealed');
      },
      publicKeys: () => signer.publicKeys(),
      publicKey: (v) => signer.publicKey(v),
      rotate: () => signer.rotate(),
      ping: async () => {},
      close: async () => {},
    };
    const pkg = uniquePackage('signer-down');
    const err = await notary({ signer: broken })
      .notarize(pkg, { idempotencyKey: 'k-1' })
      .catch((e) => e);
    expect(isNotaryError(err) && err.code).toBe('unavailable');
    expect((await store.listWorkflows({ pageSize: 10 })).items).toEqual([]);
    const retried = await notary().notarize(pkg, { idempotencyKey: 'k-1' });
    expect(retried.replayed).toBe(false);
    expect(retried.receipt.anchoring).toBe('anchored');
  });

  it('reports a store outage as retryable and returns no receipt', async () => {
    const { db, notary } = await setup();
    const n = notary();
    await db.close();
    opened.length = 0;
    const err = await n.notarize(uniquePackage('store-down')).catch((e) => e);
    expect(isNotaryError(err) && err.code).toBe('unavailable');
    expect(isNotaryError(err) && err.retryable).toBe(true);
  });
});

describe('?wait=anchored', () => {
  it('keeps retrying a failing log within the bound and returns the anchored receipt', async () => {
    const { log, notary } = await setup();
    let failures = 3;
    const flaky: TransparencyLog = {
      backend: 'flaky',
      info: () => log.info(),
      ping: async () => {},
      close: async () => {},
      append: async (r) => {
        if (failures-- > 0) throw new NotaryError('unavailable', 'log busy');
        return log.append(r);
      },
    };
    const waited = await notary({ log: flaky }).notarize(uniquePackage('wait-1'), { waitAnchoredMs: 5000 });
    expect(waited.receipt.anchoring).toBe('anchored');
    failures = 1000;
    const t0 = Date.now();
    const bounded = await notary({ log: flaky }).notarize(uniquePackage('wait-2'), { waitAnchoredMs: 400 });
    expect(bounded.receipt.anchoring).toBe('pending');
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
