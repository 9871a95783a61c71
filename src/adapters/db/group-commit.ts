interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items that arrive while a flush is in flight are written together in the next one,
 * so one fsync covers many requests. A lone item is flushed at once (no added latency when idle).
 *
 * One item must not fail the others: when a flush fails with an error `isolate` says an item may
 * have caused (a value the database refuses), the batch is split in halves and each half flushed
 * again, down to the offending item alone. The honest items still commit, in as few transactions
 * as the split allows (about 2·log2(n) flushes for one offender among n); only the offender gets
 * the error. Any other failure (database down, disk full) fails the whole batch at once.
 */
export class GroupCommitter<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private flushing = false;

  /** `flush` commits a batch and returns one result per item, in order. */
  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
    private readonly isolate: (err: unknown) => boolean = () => false,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) this.drain();
    });
  }

  get depth(): number {
    return this.queue.length;
  }

  private drain(): void {
    this.flushing = true;
    // yield one turn so concurrent submitters of this tick join the batch
    setImmediate(async () => {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.maxBatch));
      this.flushing = false;
    });
  }

  private async commit(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length > 1 && this.isolate(err)) {
        const half = Math.ceil(batch.length / 2);
        await this.commit(batch.slice(0, half));
        await this.commit(batch.slice(half));
        return;
      }
      batch.forEach((p) => p.reject(err));
    }
  }
}
