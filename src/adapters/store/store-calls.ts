import { randomFillSync } from 'node:crypto';
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

/**
 * Workflow ids as UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, the version and
 * variant, then 74 random bits. A workflow id is the primary key of four tables (workflows,
 * signatures, signature timestamps, anchors). Random (v4) keys put every insert on a random page of
 * each of those indexes, and in a large database that is mostly a page not changed since the last
 * checkpoint, whose first change writes the whole 8 KB page to the WAL; time-ordered keys insert at
 * the indexes' right edge. To clients (AFDP's included) it is still a UUID; the time it carries is
 * in the receipt anyway. Ids made in the same millisecond are unordered among themselves.
 */
export function timeOrderedId(now: number = Date.now()): string {
  const b = randomSlice();
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// one call for the random bits of 256 ids: a randomBytes call per id costs more than the id
const POOL = Buffer.alloc(16 * 256);
let next = POOL.length;

function randomSlice(): Buffer {
  if (next === POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  const slice = Buffer.from(POOL.subarray(next, next + 16));
  next += 16;
  return slice;
}
