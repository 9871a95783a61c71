import type { SqlQueryable, Statement } from './sql-client.js';

/**
 * Several INSERT/UPDATE statements as one, through data-modifying CTEs: one round trip and one
 * parse. They share a snapshot, so none may read what another writes; foreign keys are checked at
 * the end of the statement, so parent and child rows may go in together.
 */
export function asOneStatement(statements: Statement[]): Statement {
  if (statements.length === 1) return statements[0]!;
  const params: unknown[] = [];
  const texts = statements.map((s) => {
    const offset = params.length;
    params.push(...s.params);
    return s.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = texts.pop()!;
  return { text: `WITH ${texts.map((t, i) => `w${i} AS (${t})`).join(', ')} ${last}`, params };
}

/** Runs `statements` one after another on `tx`. */
export async function runAll(tx: SqlQueryable, statements: Statement[]): Promise<void> {
  for (const s of statements) await tx.query(s.text, s.params);
}

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
