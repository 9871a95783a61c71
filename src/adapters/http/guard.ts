import { NotaryError } from '../../core/errors.js';
import { HttpError } from './http-client.js';

/** A vendor call's failure → NotaryError: transient HTTP failures 'unavailable' (retryable), the rest 'internal'. */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotaryError) throw err;
    const message = `cannot ${what}: ${err instanceof Error ? err.message : String(err)}`;
    if (err instanceof HttpError && err.retryable) throw new NotaryError('unavailable', message, { cause: err });
    throw new NotaryError('internal', message, { cause: err });
  }
}
