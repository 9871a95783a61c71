import { NotaryError } from '../../core/errors.js';

/** Database failures surface as retryable 'unavailable', never as a raw driver error. */
export async function storeCall<T>(store: string, operation: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof NotaryError) throw err;
    throw new NotaryError('unavailable', `${store} ${operation} failed`, { cause: err });
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuid columns: anything else cannot match, and must not reach Postgres as a cast error. */
export const isUuid = (s: string): boolean => UUID_RE.test(s);
