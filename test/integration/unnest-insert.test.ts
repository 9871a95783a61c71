/**
 * Issue #20: a batch's rows travel as one array per column (`unnestInsert`). Values that are special
 * in PostgreSQL's array syntax, NULLs, empty and NULL-holding text[] cells and timestamps come back
 * exactly as sent, and the statement's text does not depend on how many rows it carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { unnestInsert } from '../../src/adapters/db/statements.js';
import { backends, openBackend, skipBackend } from '../support/databases.js';

const TYPES = ['bigint', 'text', 'int', 'text[]', 'timestamptz', 'boolean'];
const HEAD = 'INSERT INTO unnest_probe (id, label, n, tags, at, flag)';

const awkward = ['', 'NULL', 'a,b', '{x}', 'quote " inside', 'back\\slash', ' spaced ', 'ünïcode ✓', 'new\nline'];

describe.each(backends)('unnestInsert on %s', (backend) => {
  let db: SqlClient;

  beforeAll(async () => {
    if (skipBackend(backend)) return;
    db = await openBackend(backend);
    await db.exec('CREATE TABLE unnest_probe (id bigint PRIMARY KEY, label text, n int, tags text[], at timestamptz, flag boolean)');
  });
  afterAll(() => db?.close());

  it.skipIf(skipBackend(backend))('stores every cell as sent, in one statement whatever the row count', async () => {
    const rows = [
      ...awkward.map((s, i) => [i, s, i * 7, [s, s.toUpperCase()], '2026-12-02T11:00:00.123Z', i % 2 === 0]),
      [100, null, null, null, null, null],
      [101, 'empty tags', 0, [], '2026-12-02T11:00:00Z', false],
      [102, 'a NULL tag', -1, ['a', null, 'NULL'], new Date('2026-01-01T00:00:00Z'), true],
    ];
    const statement = unnestInsert(HEAD, TYPES, rows, 'ON CONFLICT (id) DO NOTHING');
    expect(unnestInsert(HEAD, TYPES, rows.slice(0, 1), 'ON CONFLICT (id) DO NOTHING').text).toBe(statement.text);
    expect(statement.params).toHaveLength(TYPES.length);
    await db.query(statement.text, statement.params);

    const { rows: stored } = await db.query<{
      id: string;
      label: string | null;
      n: number | null;
      tags: string[] | null;
      at: string | null;
      flag: boolean | null;
    }>(
      `SELECT id::text, label, n, tags, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, flag FROM unnest_probe ORDER BY unnest_probe.id`,
    );
    expect(stored).toEqual(
      rows.map(([id, label, n, tags, at, flag]) => ({
        id: String(id),
        label,
        n,
        tags,
        at: at === null ? null : new Date(at as string).toISOString(),
        flag,
      })),
    );
  });
});
