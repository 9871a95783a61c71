interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: items that arrive while a flush is in flight are written together in the next one,
 * so one fsync covers many requests. A lone item is flushed at once (no added latency when idle).
 */
export class GroupCommitter<T, R = void> {
  private queue: Pending<T, R>[] = [];
  private flushing = false;

  /** `flush` commits a batch and returns one result per item, in order. */
  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
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
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(results[i]!));
        } catch (err) {
          batch.forEach((p) => p.reject(err));
        }
      }
      this.flushing = false;
    });
  }
}

/** `($1,$2,$3),($4,$5,$6)…` for a multi-row VALUES list, with optional per-column casts. */
export function valuesList(rows: number, casts: string[]): string {
  const out: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) out.push(`(${casts.map((c) => `$${n++}${c}`).join(',')})`);
  return out.join(',');
}
