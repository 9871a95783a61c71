import { ConfigError, type Reader } from './reader.js';

/** How long and how many: every bound on a REST connection, explicit (README, NOTARY_HTTP_*). */
export interface HttpLimits {
  /** the whole request, headers and body, must arrive within this; else 408 and the connection closes */
  requestTimeoutMs: number;
  /** the headers must arrive within this (≤ requestTimeoutMs) */
  headersTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** connections open at once; beyond it new ones are closed at once, and the others keep being served */
  maxConnections: number;
  /**
   * A body over the limit is read and thrown away up to this many bytes before the 413 is sent, so
   * a client still uploading (Node's fetch) reads the answer instead of failing with EPIPE.
   */
  maxDrainBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  maxConnections: 1024,
  maxDrainBytes: 64 * 1024 * 1024,
};

export function httpLimits(r: Reader): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const requestTimeoutMs = r.int('NOTARY_HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 3_600_000);
  const headersTimeoutMs = r.int('NOTARY_HTTP_HEADERS_TIMEOUT_MS', Math.min(d.headersTimeoutMs, requestTimeoutMs), 100, 3_600_000);
  // Node checks the headers' deadline within the request's: a longer one would never apply
  if (headersTimeoutMs > requestTimeoutMs)
    throw new ConfigError('NOTARY_HTTP_HEADERS_TIMEOUT_MS', `must not exceed NOTARY_HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: r.int('NOTARY_HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs, 100, 3_600_000),
    maxConnections: r.int('NOTARY_HTTP_MAX_CONNECTIONS', d.maxConnections, 1, 1_000_000),
    maxDrainBytes: r.int('NOTARY_HTTP_MAX_DRAIN_BYTES', d.maxDrainBytes, 0, 1024 * 1024 * 1024),
  };
}
