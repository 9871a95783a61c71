import { NotaryError } from '../../core/errors.js';
import { sqlState } from '../db/sql-state.js';

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
      throw new NotaryError('validation_failed', `the ${store} cannot hold a value of this request (SQLSTATE ${sqlState(err)})`, {
        cause: err,
      });
    }
    throw new NotaryError('unavailable', `${store} ${operation} failed`, { cause: err });
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuid columns: anything else cannot match, and must not reach Postgres as a cast error. */
export const isUuid = (s: string): boolean => UUID_RE.test(s);
