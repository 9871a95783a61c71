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
