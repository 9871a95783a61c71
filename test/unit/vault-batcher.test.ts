import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../src/adapters/signer/vault/batcher.js';

describe('MicroBatcher', () => {
  it('coalesces concurrent submits and fills the next batch while one is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>({ maxSize: 10, maxDelayMs: 1, maxInFlight: 4 }, async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 2);
    });
    const first = [1, 2, 3].map((i) => b.submit(i));
    await new Promise((r) => setTimeout(r, 10)); // first batch is now in flight
    const second = [4, 5, 6, 7].map((i) => b.submit(i));
    release();
    expect(await Promise.all([...first, ...second])).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('splits at maxSize and fails only the items that carry an error', async () => {
    const sizes: number[] = [];
    const b = new MicroBatcher<number, number>({ maxSize: 4, maxDelayMs: 1, maxInFlight: 4 }, async (items) => {
      sizes.push(items.length);
      return items.map((i) => (i === 3 ? new Error('bad item') : i));
    });
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((i) => b.submit(i)));
    expect(sizes).toEqual([4, 2]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('rejects every item of a batch whose request failed, and everything after close', async () => {
    const down = new Error('down');
    const b = new MicroBatcher<number, number>({ maxSize: 4, maxDelayMs: 1, maxInFlight: 1 }, async () => {
      throw down;
    });
    const items = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(items).toEqual([
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
    const closed = new Error('closed');
    b.close(closed);
    await expect(b.submit(3)).rejects.toBe(closed);
  });
});
