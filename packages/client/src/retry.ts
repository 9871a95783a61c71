/**
 * Retries with exponential backoff and full jitter, for answers that say "try again": HTTP 429 and
 * 503, gRPC UNAVAILABLE and RESOURCE_EXHAUSTED, and (for REST) a connection that could not be made.
 * A server's own delay (Retry-After, google.rpc.RetryInfo) wins over the computed one. Only
 * idempotent calls are retried: sign always carries an idempotency key, so a retry after a lost
 * answer gets the first receipt back instead of a second signature.
 */

export interface RetryOptions {
  /** attempts in all, the first included (default 4; 1 turns retries off) */
  attempts?: number;
  /** first backoff, doubled on each retry (default 200 ms) */
  baseDelayMs?: number;
  /** cap on one wait, also on a server's Retry-After (default 10 s) */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 10_000 };

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new RangeError('retry.attempts must be an integer ≥ 1');
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) throw new RangeError('retry delays must be ≥ 0');
  return policy;
}

/** What one failed attempt says about retrying. */
export interface RetryVerdict {
  retry: boolean;
  /** the server's own delay, when it gave one */
  serverDelayMs?: number;
}

/**
 * Delay before retry number `retry` (1 for the first retry): the server's delay when it gave one,
 * else a random time up to base·2^(retry-1) ("full jitter": many clients retrying after one outage
 * spread out instead of arriving together); never above maxDelayMs.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, serverDelayMs?: number, random = Math.random): number {
  if (serverDelayMs !== undefined) return Math.min(serverDelayMs, policy.maxDelayMs);
  return Math.min(policy.maxDelayMs, random() * policy.baseDelayMs * 2 ** (retry - 1));
}

/** Retry-After in delta-seconds or as an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or attempts run out. `judge` looks at a
 * failure (thrown) and says whether and how soon to retry; the last failure is rethrown.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  judge: (err: unknown) => RetryVerdict,
  sleep = defaultSleep,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const verdict = judge(err);
      if (!verdict.retry || n >= policy.attempts) throw err;
      await sleep(backoffDelay(policy, n, verdict.serverDelayMs));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
