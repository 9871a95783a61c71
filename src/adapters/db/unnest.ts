import type { Statement } from './sql-client.js';

/**
 * A multi-row insert with one array parameter per column: `INSERT … SELECT … FROM unnest($1::uuid[], …)`.
 * Its text is the same whatever the number of rows, so the server parses one text per table instead
 * of one per batch size, and Bind carries a few arrays instead of a value per cell.
 *
 * `types` are the columns' types in `head`'s order. An array-typed column (`text[]`) cannot be an
 * element of a one-dimensional array, so each row's value travels as its array literal in a `text[]`
 * parameter and is cast back in the select list.
 */
export function unnestInsert(head: string, types: readonly string[], rows: readonly (readonly unknown[])[], tail = ''): Statement {
  const names = types.map((_, i) => `c${i + 1}`);
  const select = types.map((t, i) => (isArray(t) ? `${names[i]}::${t}` : names[i])).join(', ');
  const params = types.map((t, i) => {
    const column = rows.map((r) => r[i]);
    return isArray(t) ? column.map((v) => (v === null || v === undefined ? null : arrayLiteral(v as readonly (string | null)[]))) : column;
  });
  const args = types.map((t, i) => `$${i + 1}::${isArray(t) ? 'text' : t}[]`).join(', ');
  return { text: `${head} SELECT ${select} FROM unnest(${args}) AS t(${names.join(', ')})${tail ? ` ${tail}` : ''}`, params };
}

const isArray = (type: string): boolean => type.endsWith('[]');

/** PostgreSQL's text form of a one-dimensional array of strings: every element quoted, so no content is special. */
export function arrayLiteral(items: readonly (string | null)[]): string {
  return `{${items.map((s) => (s === null ? 'NULL' : `"${s.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
