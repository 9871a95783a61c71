import { NotaryError } from '../../core/errors.js';
import { isStorableTimestamp } from '../../core/integrity.js';
import { isUuid } from './store-calls.js';

/** Keyset cursor (created_at, tiebreak id): stable under concurrent inserts, which only land before it. */
export interface Cursor {
  t: string;
  k: string;
}

/** What the tiebreak of a listing is: a workflow's uuid or an evidence hash. */
export type CursorKey = 'uuid' | 'hash';

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

// exactly what Date#toISOString writes for the created_at values this service issues
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HASH_RE = /^[0-9a-f]{64}$/;

/**
 * A page token back into its cursor. Only tokens this service could have issued pass: a forged one
 * (another key type, a date the database cannot read such as +275760-…) is the caller's error (400),
 * never a database error.
 */
export function decodeCursor(token: string | undefined, key: CursorKey): Cursor | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor> | null;
    const t = c?.t;
    const k = c?.k;
    if (
      typeof t === 'string' &&
      ISO_RE.test(t) &&
      isStorableTimestamp(t) &&
      typeof k === 'string' &&
      (key === 'uuid' ? isUuid(k) : HASH_RE.test(k))
    ) {
      return { t, k };
    }
  } catch {
    // fall through to the typed error
  }
  throw new NotaryError('invalid_request', 'page_token: not a token this service issued', { field: 'page_token' });
}
