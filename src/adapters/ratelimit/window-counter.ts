/**
 * Fixed-window counters, the one mechanism behind every limit of the notary: per-principal request
 * budgets on every door and failed authentications per client address. With Redis the counters are
 * shared by all replicas; without it each process counts alone.
 */
export interface WindowCount {
  /** hits in the current window, this one included */
  count: number;
  /** milliseconds until the window ends and the count starts over */
  resetMs: number;
}

export interface WindowCounter {
  /** Counts one hit on `key` in a window of `windowMs` starting at its first hit. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
}

/** In-process counters, bounded: beyond `maxKeys` the oldest window is forgotten (counted afresh later). */
export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.delete(key); // re-inserted last: the Map's order is the windows' age
      if (this.windows.size >= this.maxKeys) this.evict(now);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetMs: w.resetAt - now };
  }

  private evict(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}
