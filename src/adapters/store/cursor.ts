import { NotaryError } from '../../core/errors.js';

/** Keyset cursor (created_at, tiebreak id): stable under concurrent inserts, which only land before it. */
export interface Cursor {
  t: string;
  k: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(token: string | undefined): Cursor | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.t === 'string' && typeof c.k === 'string' && !Number.isNaN(Date.parse(c.t))) return c;
  } catch {
    // fall through to the typed error
  }
  throw new NotaryError('validation_failed', 'page_token: not a token this service issued', { field: 'page_token' });
}
