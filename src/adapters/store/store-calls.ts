import { NotaryError } from '../../core/errors.js';

/**
 * Database failures surface as typed errors, never as a raw driver error: a value the database
 * refuses (SQLSTATE class 22, data exception; 54, e.g. an index entry too large) is the request's
 * fault and final; anything else is retryable 'unavailable'.
 */
export async function storeCall<T>(store: string, operation: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof NotaryError) throw err;
    if (/^(22|54)/.test(sqlState(err))) {
      throw new NotaryError('validation_failed', `the ${store} cannot hold a value of this request (SQLSTATE ${sqlState(err)})`, { cause: err });
    }
    throw new NotaryError('unavailable', `${store} ${operation} failed`, { cause: err });
  }
}

/** The SQLSTATE of a database error ('' for anything else: a dropped connection, a driver error). */
export function sqlState(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

/**
 * Whether a failed batch write may have been caused by one of its rows: a data exception (22), an
 * integrity violation (23) or a program limit (54). Those batches are split to find the row; a
 * dropped connection or a full disk fails every row alike and is not.
 */
export const mayBeOneRow = (err: unknown): boolean => /^(22|23|54)/.test(sqlState(err));

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuid columns: anything else cannot match, and must not reach Postgres as a cast error. */
export const isUuid = (s: string): boolean => UUID_RE.test(s);
