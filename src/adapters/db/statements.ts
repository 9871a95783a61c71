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
