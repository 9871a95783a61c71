import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type SqlClient } from '../../src/adapters/store/sql-client.js';
import { tempDir } from '../support/databases.js';

const TABLE = 'CREATE TABLE t (id int PRIMARY KEY, tags text[], at timestamptz, note text)';
const count = async (db: SqlClient) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n;

describe('PGlite on its own thread', () => {
  let db: SqlClient;
  beforeAll(async () => {
    db = await openPglite(undefined);
    await db.exec(TABLE);
  });
  afterAll(async () => db?.close());

  it('passes parameters and rows through unchanged', async () => {
    await db.query('INSERT INTO t VALUES ($1, $2::text[], $3::timestamptz, $4)', [1, ['a', 'b,c'], '2026-11-23T12:00:00.000Z', null]);
    const { rows } = await db.query('SELECT id, tags, at, note FROM t WHERE id = $1', [1]);
    expect(rows).toEqual([{ id: 1, tags: ['a', 'b,c'], at: new Date('2026-11-23T12:00:00.000Z'), note: null }]);
  });

  it('rejects with the database error and its SQLSTATE, and keeps serving', async () => {
    await expect(db.query('INSERT INTO t (id) VALUES (1)')).rejects.toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/) });
    expect(await count(db)).toBe(1);
  });

  it('commits a transaction as one, rolls it back when the callback throws, and makes other queries wait for it', async () => {
    let outside: Promise<number> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (2)');
      outside = count(db); // must not see the database mid-transaction
      await tx.query('INSERT INTO t (id) VALUES (3)');
    });
    expect(await outside).toBe(3);
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (4)');
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await count(db)).toBe(3);
  });

  it('writes a batch of statements all or nothing', async () => {
    await db.batch([{ text: 'INSERT INTO t (id) VALUES ($1)', params: [10] }, { text: 'INSERT INTO t (id) VALUES ($1)', params: [11] }]);
    await expect(db.batch([{ text: 'INSERT INTO t (id) VALUES ($1)', params: [12] }, { text: 'INSERT INTO t (id) VALUES ($1)', params: [10] }]))
      .rejects.toMatchObject({ code: '23505' });
    expect((await db.query<{ id: number }>('SELECT id FROM t WHERE id >= 10 ORDER BY id')).rows.map((r) => r.id)).toEqual([10, 11]);
  });

  it('keeps committed rows on disk across a close and reopen', async () => {
    const dir = join(tempDir(), 'pg');
    const first = await openPglite(dir);
    await first.exec(TABLE);
    await first.batch([{ text: "INSERT INTO t (id, note) VALUES (1, 'kept')", params: [] }]);
    await first.close();
    await expect(first.query('SELECT 1')).rejects.toThrow(/exited|closed/);
    const again = await openPglite(dir);
    expect((await again.query('SELECT note FROM t')).rows).toEqual([{ note: 'kept' }]);
    await again.close();
  });
});
