import ipaddr from 'ipaddr.js';
import { NotaryError } from './errors.js';

/**
 * Rules every door applies to the request around the evidence (REST headers and query, gRPC fields,
 * the caller's address), so both doors accept, refuse and limit exactly the same values. The
 * evidence itself: limits.ts.
 */

/** An Idempotency-Key (REST header, gRPC idempotency_key): 1-255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** undefined stays unset; anything else must match IDEMPOTENCY_KEY_PATTERN or is refused under `field`. */
export function checkIdempotencyKey(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new NotaryError('invalid_request', `${field} must be 1-255 printable ASCII characters`, { field });
  }
  return value;
}

/** Bound on waiting for the anchor (REST ?wait=anchored, gRPC wait_anchored_ms): a call must not hold a connection indefinitely. */
export const MAX_WAIT_ANCHORED_MS = 30_000;

/** A caller's x-request-id is kept when it matches; otherwise the door makes its own. */
export const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** Workflow ids a door accepts (path parameter, workflow_id field). */
export const MAX_WORKFLOW_ID_LENGTH = 64;

/**
 * A door that cannot bound a package by its body (a gRPC batch, a stream item) bounds its canonical
 * bytes by the same number a REST body may have.
 */
export function checkCanonicalSize(bytes: number, maxBodyBytes: number, path: string): void {
  if (bytes > maxBodyBytes) {
    throw new NotaryError('payload_too_large', `${path}: canonical form is ${bytes} bytes, at most ${maxBodyBytes}`, { field: path });
  }
}

/**
 * The key a client address is limited under: an IPv4 address as it is (an IPv4-mapped IPv6 one
 * too), an IPv6 address by its /64, the smallest network one subscriber usually holds (otherwise a
 * caller with a /64 would have 2^64 fresh budgets).
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
