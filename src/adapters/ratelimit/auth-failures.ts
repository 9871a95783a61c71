import { clientKey } from '../../core/request-rules.js';
import type { AuthFailureGuard } from '../../ports/request-limits.js';
import type { WindowCounter } from './window-counter.js';

/** Where failed authentications are counted for the audit trail (one row per address and window). */
export interface FailureTally {
  add(client: string, door: string, reason: string): void;
}

/**
 * Failed authentications per client address: after `max` in a window (counted across replicas when
 * the counter is Redis), the address gets 429 until the window ends, before any credential is
 * looked at. The check is in-process (no round trip on the hot path): each replica learns an
 * address is blocked from the shared count its own failures return, so a replica lets at most one
 * failure past the shared limit.
 */
export class AuthFailureThrottle implements AuthFailureGuard {
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly counter: WindowCounter,
    readonly max: number,
    readonly windowMs: number,
    private readonly tally: FailureTally,
    private readonly now: () => number = Date.now,
    private readonly maxBlocked = 100_000,
  ) {}

  /** Milliseconds the client at `address` must wait before authenticating again; 0: it may. */
  blockedFor(address: string): number {
    const key = clientKey(address);
    const until = this.blocked.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.blocked.delete(key);
    return 0;
  }

  /** A request refused because its address is blocked: counted, nothing else. */
  noteThrottled(address: string, door: string): void {
    this.tally.add(clientKey(address), door, 'throttled');
  }

  async recordFailure(address: string, door: string, reason: string): Promise<void> {
    const key = clientKey(address);
    this.tally.add(key, door, reason);
    if (this.max === 0) return;
    try {
      const { count, resetMs } = await this.counter.hit(`authfail:${key}`, this.windowMs);
      if (count < this.max) return;
      if (this.blocked.size >= this.maxBlocked) this.blocked.delete(this.blocked.keys().next().value!);
      this.blocked.set(key, this.now() + resetMs);
    } catch {
      // the shared counter is down: nothing is blocked, the audit tally still counts
    }
  }
}
