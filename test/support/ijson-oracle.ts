/**
 * What makes a JSON value not I-JSON (RFC 7493), judged independently of the notary's own code: a
 * number that is not finite or an integer beyond ±(2^53−1), a lone surrogate in a string or a
 * member name, and `__proto__` (refused by the notary as prototype pollution).
 */
export function iJsonFault(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER;
  if (typeof v === 'string') return /\p{Cs}/u.test(v);
  if (Array.isArray(v)) return v.some(iJsonFault);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => /\p{Cs}/u.test(k) || k === '__proto__' || iJsonFault(x));
  return false;
}
