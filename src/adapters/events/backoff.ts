export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before delivery `redeliveryCount + 2`: exponential, capped, with "equal jitter" (half fixed,
 * half random) so consumers that failed together on the same outage do not retry in lock-step, yet
 * the delay never collapses to zero.
 */
export function backoffDelay(redeliveryCount: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(redeliveryCount, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}
