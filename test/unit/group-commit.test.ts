// Group commit isolation: a row the database refuses fails only the request that sent it.
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/adapters/db/group-commit.js';
import { mayBeOneRow } from '../../src/adapters/db/sql-state.js';
import { storeCall } from '../../src/adapters/store/store-calls.js';

/** A database that refuses any batch holding a poisoned item, as PostgreSQL refuses 2024-02-30. */
function database(
  failure = (batch: string[]) =>
    batch.some((i) => i.startsWith('poison'))
      ? Object.assign(new Error('date/time field value out of range'), { code: '22008' })
      : undefined,
) {
  const committed: string[] = [];
  const flushes: string[][] = [];
  const flush = async (batch: string[]) => {
    flushes.push(batch);
    await new Promise((r) => setTimeout(r, 1));
    const err = failure(batch);
    if (err) throw err;
    committed.push(...batch);
    return batch.map((i) => `ok:${i}`);
  };
  return { committed, flushes, flush };
}

const settle = (committer: GroupCommitter<string, string>, items: string[]) =>
  Promise.allSettled(items.map((i) => storeCall('evidence store', 'save', committer.submit(i))));

describe('GroupCommitter', () => {
  it('commits every honest item of a batch holding a poisoned one; only the offender fails, with a final error', async () => {
    const db = database();
    const committer = new GroupCommitter(db.flush, 500, mayBeOneRow);
    const items = Array.from({ length: 64 }, (_, i) => (i === 37 ? 'poison-37' : `honest-${i}`));
    const results = await settle(committer, items);
    expect(db.committed.sort()).toEqual(items.filter((i) => !i.startsWith('poison')).sort());
    results.forEach((r, i) => {
      if (items[i]!.startsWith('poison')) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'validation_failed', retryable: false });
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: `ok:${items[i]}` });
      }
    });
    // found by halving: far fewer flushes than one per item
    expect(db.flushes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(64)) + 2);
  });

  it('isolates several offenders in one batch', async () => {
    const db = database();
    const committer = new GroupCommitter(db.flush, 500, mayBeOneRow);
    const items = Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? `poison-${i}` : `honest-${i}`));
    const results = await settle(committer, items);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    expect(db.committed).toHaveLength(17);
  });

  it('fails the whole batch at once, retryable, when the database itself is down', async () => {
    const db = database(() => Object.assign(new Error('Connection terminated unexpectedly')));
    const committer = new GroupCommitter(db.flush, 500, mayBeOneRow);
    const results = await settle(committer, ['a', 'b', 'c', 'd']);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'unavailable')).toBe(true);
    // one flush, no splitting for an error no row caused
    expect(db.flushes).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('splits only on data, integrity and limit errors', () => {
    for (const code of ['22008', '22021', '23505', '54000']) expect(mayBeOneRow({ code })).toBe(true);
    for (const code of ['08006', '53100', '57P01', '40001', 'ECONNREFUSED', undefined]) expect(mayBeOneRow({ code })).toBe(false);
  });
});
