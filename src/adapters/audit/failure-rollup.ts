import type { AuditEvent } from './chain.js';
import type { FailureTally } from '../ratelimit/auth-failures.js';

interface Bucket {
  failures: number;
  throttled: number;
  reasons: Record<string, number>;
  doors: Record<string, number>;
}

/** The key of the bucket that collects every address past the cap: a flood of addresses stays one row. */
export const OTHER_CLIENTS = '*';

/**
 * Failed authentications as the audit trail keeps them: one `auth.failure` row per client address
 * and window, with counts, written when the window closes. A thousand bogus keys from one address
 * are one row, not a thousand: an anonymous caller cannot grow the database by failing. At most
 * `maxClients` addresses get a row of their own per window; the others share one.
 */
export class AuthFailureRollup implements FailureTally {
  private buckets = new Map<string, Bucket>();
  private started: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly audit: { record(event: AuditEvent): void },
    private readonly windowMs: number,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  add(client: string, door: string, reason: string): void {
    const key = this.buckets.has(client) || this.buckets.size < this.maxClients ? client : OTHER_CLIENTS;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { failures: 0, throttled: 0, reasons: {}, doors: {} }));
    if (reason === 'throttled') b.throttled++;
    else {
      b.failures++;
      b.reasons[reason] = (b.reasons[reason] ?? 0) + 1;
    }
    b.doors[door] = (b.doors[door] ?? 0) + 1;
  }

  /** Writes one row per address for the window so far and starts the next window. */
  flush(): void {
    const [buckets, start, end] = [this.buckets, this.started, this.now()];
    this.buckets = new Map();
    this.started = end;
    for (const [client, b] of buckets) {
      this.audit.record({
        event: 'auth.failure',
        outcome: 'failure',
        principal: null,
        details: { client, window_start: new Date(start).toISOString(), window_end: new Date(end).toISOString(), ...b },
      });
    }
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.windowMs);
    this.timer.unref();
  }

  /** Last window written (shutdown). */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
