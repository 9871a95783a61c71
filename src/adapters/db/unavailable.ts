import { NotaryError } from '../../core/errors.js';

/**
 * SQLSTATE classes that say "the database cannot do this now", not "this request is wrong":
 * connection exceptions, insufficient resources (disk full, out of memory, too many connections),
 * operator intervention (shutdown, crash, starting up), system errors (I/O), read-only transaction.
 */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
const UNAVAILABLE_STATES = new Set(['25006']);
/** errors the driver raises itself, before or without a server answer */
const DRIVER_CONNECTION =
  /connection terminated|not queryable|timeout exceeded when trying to connect|connection timeout|socket|ECONNREFUSED|ENOENT|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|the database system is/i;

export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || UNAVAILABLE_STATES.has(code);
  }
  return typeof code === 'string' ? /^E[A-Z]+$/.test(code) : DRIVER_CONNECTION.test(err.message);
}

/** The database is down, full or read-only: a retryable 'unavailable' (503 / UNAVAILABLE) for every door. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof NotaryError || !isUnavailable(err)) return err;
  return new NotaryError('unavailable', 'the database is not available', { cause: err });
}
