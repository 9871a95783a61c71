import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import { isUnavailable } from '../../src/adapters/db/unavailable.js';
import { unnestInsert } from '../../src/adapters/db/statements.js';
import { backends, freshEmbeddedDatabase, freshPostgresDatabase, skipBackend } from '../support/databases.js';
import { holdingProxy } from '../support/holding-proxy.js';

/** A second session that kills the notary's sessions, as an operator or a failover would. */
async function terminateSessions(url: string, applicationName: string, pid?: number): Promise<number> {
  const admin = connectPostgres(url, { poolSize: 1, applicationName: 'admin' });
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE application_name = $1 AND pid <> pg_backend_pid() AND ($2::int IS NULL OR pid = $2)`,
      [applicationName, pid ?? null],
    );
    return rows[0]!.n;
  } finally {
    await admin.close();
  }
}

describe.each(backends)('the pg client when sessions are terminated (%s)', (backend) => {
  const fresh = () => (backend === 'postgres' ? freshPostgresDatabase() : freshEmbeddedDatabase());

  it.skipIf(skipBackend(backend))(
    'a transaction whose session is killed fails as unavailable, nothing escapes as an uncaught error, and the pool serves again',
    async () => {
      const url = await fresh();
      const db = connectPostgres(url, { poolSize: 4, applicationName: 'victim' });
      await db.exec('CREATE TABLE t (n int)');
      const uncaught: unknown[] = [];
      const onUncaught = (err: unknown) => uncaught.push(err);
      process.on('uncaughtException', onUncaught);
      try {
        // the session dies while the transaction holds it between two statements (checked out, idle)
        const tx = db.transaction(async (t) => {
          await t.query('INSERT INTO t VALUES (1)');
          expect(await terminateSessions(url, 'victim')).toBeGreaterThan(0);
          await sleep(300); // the 'error' event arrives now, on a checked-out client
          await t.query('INSERT INTO t VALUES (2)');
        });
        await expect(tx).rejects.toMatchObject({ code: 'unavailable', retryable: true });
        // idle pooled sessions killed too: the pool drops them and connects anew
        await db.query('SELECT 1');
        expect(await terminateSessions(url, 'victim')).toBeGreaterThan(0);
        await sleep(300);
        expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(0); // the killed transaction left nothing
        await db.transaction((t) => t.query('INSERT INTO t VALUES (3)'));
        expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(1);
      } finally {
        process.removeListener('uncaughtException', onUncaught);
        await db.close();
      }
      expect(uncaught).toEqual([]);
    },
  );

  it.skipIf(skipBackend(backend))('tells availability failures from request errors', async () => {
    const db = connectPostgres(await fresh(), 1);
    try {
      const bad = await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(isUnavailable(bad)).toBe(false); // 42P01: a bug, not an outage (500, not 503)
      expect(bad).toMatchObject({ code: '42P01' });
      await db.exec('SET default_transaction_read_only = on');
      const readOnly = await db.transaction((t) => t.query('CREATE TABLE x (n int)')).catch((e: unknown) => e);
      expect(readOnly).toMatchObject({ code: 'unavailable' }); // 25006: read-only after a failover
    } finally {
      await db.close();
    }
  });

  it.skipIf(skipBackend(backend))("a batch's statement is prepared once per session and serves every batch size", async () => {
    const db = connectPostgres(await fresh(), 1); // one session: the check below sees what the batches prepared
    try {
      await db.exec('CREATE TABLE t (n int, s text)');
      const insert = (rows: number) =>
        unnestInsert(
          'INSERT INTO t (n, s)',
          ['int', 'text'],
          Array.from({ length: rows }, (_, i) => [i, `r${i}`]),
        );
      for (const rows of [1, 30, 7]) await db.batch([insert(rows)]);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1', [
        insert(1).text,
      ]);
      expect(rows[0]!.n).toBe(1);
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(38);
    } finally {
      await db.close();
    }
  });
});

// The kill arrives in the same read as the reply that frees the session: the pool hands the client
// to a waiting transaction (its idle 'error' listener removed) before that transaction can listen
// (a promise resolves later), and the FATAL message is emitted on a client nobody listens to: an
// uncaught exception. Most likely what ended database-faults-terminate's service in a loaded CI run
// (65 s: 60 s waiting for acknowledgements that never came, then a stop that found it exited with 1).
it.skipIf(skipBackend('postgres'))(
  'a session killed in the same read as the reply that hands it to a waiting transaction: unavailable, not an uncaught error',
  async () => {
    const url = new URL(await freshPostgresDatabase()); // TCP, so a proxy can sit in between
    const proxy = await holdingProxy({ host: url.hostname, port: Number(url.port) });
    const db = connectPostgres(Object.assign(new URL(url), { port: String(proxy.port) }).href, { poolSize: 1 });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const { pid } = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
      proxy.hold();
      const query = db.query('SELECT 1'); // holds the pool's one session; its reply is held
      const waiting = db.transaction((t) => t.query('SELECT 2')); // queued for that session
      const readyForQuery = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', idle
      while (!proxy.held().subarray(-6).equals(readyForQuery)) await sleep(5);
      expect(await terminateSessions(url.href, 'afdp-notary', pid)).toBe(1);
      await proxy.serverClosed(); // the FATAL message is held behind the reply
      proxy.release();
      await expect(query).resolves.toMatchObject({ rows: [{ '?column?': 1 }] });
      await expect(waiting).rejects.toMatchObject({ code: 'unavailable', retryable: true });
      await sleep(50);
      expect((await db.query<{ n: number }>('SELECT 3 AS n')).rows[0]!.n).toBe(3); // a new session serves
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      await db.close();
      await proxy.close();
    }
    expect(uncaught).toEqual([]);
  },
);

it('a server that is not there is unavailable, not a crash', async () => {
  const db = connectPostgres('postgres://nobody@127.0.0.1:1/none', { connectTimeoutMs: 1000 });
  await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'unavailable' });
  await expect(db.transaction((t) => t.query('SELECT 1'))).rejects.toMatchObject({ code: 'unavailable' });
  await db.close();
});
