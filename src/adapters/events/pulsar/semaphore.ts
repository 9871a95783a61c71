/** Counts free in-flight slots; acquire() waits for one. Backpressure: no slot, no receive. */
export class Semaphore {
  private readonly waiters: ((ok: boolean) => void)[] = [];
  private closed = false;

  constructor(private free: number) {}

  /** resolves true with a slot, or false once closed (the caller then stops) */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.free++;
  }

  /** wakes every waiter with false */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(false);
  }
}
