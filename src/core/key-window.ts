/**
 * Whether a key version was valid at the trusted times a receipt carries, and whether the evidence's
 * own time is plausible against them. Pure (the console bundles it); see receipt-time.ts for where
 * the trusted times come from.
 */
import type { PublicKeyVersion } from '../ports/key-signer.js';

/** Allowed disagreement between clocks (replicas, the log, the TSA, the evidence's author). */
export const CLOCK_SKEW_SECONDS = 300;

export interface TrustedTime {
  source: 'RFC 3161 timestamp' | 'log integrated time';
  at: Date;
}

export type TimeCheck = { ok: true; time?: TrustedTime; detail: string } | { ok: false; detail: string; code: string };

/** A version's window: from its creation until the next version's (open for the newest). */
export function keyWindow(keys: readonly PublicKeyVersion[], version: number): { start: Date; end?: Date } | undefined {
  const sorted = [...keys].sort((a, b) => a.version - b.version);
  const i = sorted.findIndex((k) => k.version === version);
  if (i < 0) return undefined;
  const next = sorted[i + 1];
  return { start: new Date(sorted[i]!.createdAt), ...(next && { end: new Date(next.createdAt) }) };
}

/** Whether every trusted time falls in the key version's window (give or take the clock skew). */
export function checkKeyWindow(keys: readonly PublicKeyVersion[], version: number, times: readonly TrustedTime[]): TimeCheck {
  const window = keyWindow(keys, version);
  if (!window) return { ok: false, code: 'unknown_key', detail: `key version ${version} is not in the trust root` };
  if (times.length === 0) return { ok: true, detail: 'no trusted time to check the key version against' };
  const skew = CLOCK_SKEW_SECONDS * 1000;
  for (const t of times) {
    if (!Number.isNaN(window.start.getTime()) && t.at.getTime() < window.start.getTime() - skew) {
      return {
        ok: false,
        code: 'before_key',
        detail: `${t.source} ${t.at.toISOString()} is before key version ${version} was created (${window.start.toISOString()})`,
      };
    }
    if (window.end && t.at.getTime() > window.end.getTime() + skew) {
      return {
        ok: false,
        code: 'key_rotated',
        detail: `${t.source} ${t.at.toISOString()} is after key version ${version} was rotated (${window.end.toISOString()})`,
      };
    }
  }
  const state = window.end ? `rotated ${window.end.toISOString()}, ` : '';
  return {
    ok: true,
    detail: `key version ${version} (${state}created ${window.start.toISOString()}) was valid at ${times.map((t) => `${t.source} ${t.at.toISOString()}`).join(' and ')}`,
  };
}

/** The evidence's own timestamp_utc cannot be after the signature was timestamped or logged; no trusted time is in the future. */
export function checkClaimedTime(timestampUtc: string, times: readonly TrustedTime[], now: Date): TimeCheck {
  const claimed = Date.parse(timestampUtc);
  const skew = CLOCK_SKEW_SECONDS * 1000;
  const future = times.find((t) => t.at.getTime() > now.getTime() + skew);
  if (future) return { ok: false, code: 'future', detail: `${future.source} ${future.at.toISOString()} is in the future` };
  const earliest = times.reduce<TrustedTime | undefined>((a, t) => (!a || t.at < a.at ? t : a), undefined);
  const limit = earliest?.at.getTime() ?? now.getTime();
  if (claimed > limit + skew) {
    return {
      ok: false,
      code: 'after',
      detail: `timestamp_utc ${timestampUtc} is after ${earliest ? `the ${earliest.source} ${earliest.at.toISOString()}` : 'now'}`,
    };
  }
  return {
    ok: true,
    detail: earliest
      ? `timestamp_utc is not after the ${earliest.source} ${earliest.at.toISOString()}`
      : 'timestamp_utc is not in the future',
  };
}
