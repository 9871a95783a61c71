/**
 * When was a receipt's signature made, by evidence a verifier can trust: the RFC 3161 timestamp
 * over the signature, and (Rekor v1, the embedded log) the log's SET-signed integrated time. A key
 * version counts as valid from its creation until the next version's: a signature timestamped in
 * that window stays valid after the key is rotated or retired; one timestamped later does not.
 */
import type { TimeCheck } from './key-window.js';
import { TimestampError, verifyTimestamp, type TrustedTimestampAuthority } from './timestamp/index.js';

export { CLOCK_SKEW_SECONDS, checkClaimedTime, checkKeyWindow, keyWindow, type TimeCheck, type TrustedTime } from './key-window.js';

/** The receipt's RFC 3161 timestamp, verified over exactly this signature. */
export function checkRfc3161(response: unknown, signature: Buffer, authorities: readonly TrustedTimestampAuthority[]): TimeCheck {
  if (typeof response !== 'string' || response === '')
    return { ok: false, code: 'missing', detail: 'the receipt has no rfc3161_timestamp' };
  try {
    const v = verifyTimestamp(Buffer.from(response, 'base64'), signature, authorities);
    return {
      ok: true,
      time: { source: 'RFC 3161 timestamp', at: v.genTime },
      detail: `${v.genTime.toISOString()} by ${v.authority} (serial ${v.serialHex})`,
    };
  } catch (err) {
    if (err instanceof TimestampError) return { ok: false, code: err.code, detail: `${err.code}: ${err.message}` };
    throw err;
  }
}
