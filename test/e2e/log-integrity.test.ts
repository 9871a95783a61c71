/**
 * Attack 6 of issue #16: replacing one log_leaves.leaf_hash and restarting made the service sign a
 * new checkpoint over a forked tree while /ready stayed 200, and an edited leaf body went unnoticed.
 * Now the embedded log recomputes its tree from the stored bodies at start and periodically, and
 * signs nothing while it disagrees with its latest signed checkpoint; `afdp-notary log verify`
 * follows the log from outside and catches what the service cannot see (a log cut and regrown).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { tamper } from '../support/tamper.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close().catch(() => undefined);
});

async function start(dataDir: string): Promise<TestApp> {
  const app = await startTestApp({ NOTARY_DATA_DIR: dataDir, NOTARY_LOG_SELF_CHECK_INTERVAL_MS: '3600000' });
  apps.push(app);
  return app;
}

async function signSome(app: TestApp, n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) expect((await sign(app.rest, uniquePackage(`${label}-${i}`))).status).toBe(200);
}

const checkpoints = async (app: TestApp) =>
  (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_checkpoints')).rows[0]!.n;
const gauge = async (app: TestApp) => /^notary_log_integrity_ok (\d)$/m.exec(await app.metrics.registry.metrics())?.[1];

describe('the embedded log checks itself', () => {
  for (const [what, statement] of [
    ['a replaced leaf hash', "UPDATE log_leaves SET leaf_hash = repeat('ab', 32) WHERE idx = 2"],
    ['an edited leaf body', "UPDATE log_leaves SET body = replace(body, 'sha256', 'SHA256') WHERE idx = 2"],
    [
      'an edited body with its leaf hash recomputed',
      "UPDATE log_leaves SET body = replace(body, 'sha256', 'SHA256'), leaf_hash = encode(sha256('\\x00'::bytea || convert_to(replace(body, 'sha256', 'SHA256'), 'UTF8')), 'hex') WHERE idx = 2",
    ],
  ] as const) {
    it(`${what}, then a restart: nothing is signed, /ready 503, notary_log_integrity_ok 0`, async () => {
      const dataDir = seededDataDir();
      const first = await start(dataDir);
      await signSome(first, 5, 'integrity');
      await first.close();
      apps.length = 0;
      const second = await start(dataDir);
      await tamper(second.db, 'log_leaves', [[statement]]);
      await second.close();
      apps.length = 0;

      const app = await start(dataDir);
      const before = await checkpoints(app);
      expect((await app.rest.inject('/ready')).statusCode).toBe(503);
      const refused = await sign(app.rest, uniquePackage('after-tamper'));
      expect([refused.status, refused.body.code]).toEqual([503, 'unavailable']);
      expect(await checkpoints(app)).toBe(before); // no checkpoint over a forked tree
      expect(await gauge(app)).toBe('0');
      expect(app.logLines.some((l) => l.includes('failed its integrity check'))).toBe(true);
    }, 60_000);
  }

  it('a change while running is caught by the next periodic check; once repaired, signing resumes', async () => {
    const app = await start(seededDataDir());
    await signSome(app, 12, 'periodic'); // past 10 leaves: indices compared as numbers, not text
    expect((await app.logSelfCheck!.runOnce(), await gauge(app))).toBe('1');
    const {
      rows: [leaf],
    } = await app.db.query<{ leaf_hash: string }>('SELECT leaf_hash FROM log_leaves WHERE idx = 1');
    await tamper(app.db, 'log_leaves', [["UPDATE log_leaves SET leaf_hash = repeat('cd', 32) WHERE idx = 1"]]);
    expect((await app.rest.inject('/ready')).statusCode).toBe(200); // not checked yet
    await app.logSelfCheck!.runOnce();
    expect((await app.rest.inject('/ready')).statusCode).toBe(503);
    expect((await sign(app.rest, uniquePackage('periodic-refused'))).status).toBe(503);
    await tamper(app.db, 'log_leaves', [['UPDATE log_leaves SET leaf_hash = $1 WHERE idx = 1', [leaf!.leaf_hash]]]);
    await app.logSelfCheck!.runOnce();
    expect(await gauge(app)).toBe('1');
    expect((await sign(app.rest, uniquePackage('periodic-resumed'))).status).toBe(200);
  });
});

describe('afdp-notary log verify', () => {
  async function monitor(url: string, trustRoot: string, state: string) {
    const lines: string[] = [];
    const code = await run(['log', 'verify', '--url', url, '--trust-root', trustRoot, '--state', state, '--json'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    return { code, result: JSON.parse(lines.at(-1)!) as { ok: boolean; size?: number; entries_checked?: number; problem?: string } };
  }

  it('follows the log from checkpoint to checkpoint, and catches a log that was cut and grew again (a fork the service cannot see)', async () => {
    const dataDir = seededDataDir();
    const dir = tempDir('notary-log-monitor-');
    const [trustRoot, state] = [join(dir, 'trust-root.json'), join(dir, 'monitor-state.json')];
    let app = await start(dataDir);
    await app.rest.listen({ host: '127.0.0.1', port: 0 });
    let url = `http://127.0.0.1:${(app.rest.server.address() as { port: number }).port}`;
    writeFileSync(trustRoot, (await app.rest.inject('/api/v1/trust-root')).body);
    await signSome(app, 6, 'monitor');
    expect(await monitor(url, trustRoot, state)).toEqual({
      code: 0,
      result: expect.objectContaining({ ok: true, size: 6, entries_checked: 6 }),
    });
    await signSome(app, 4, 'monitor-more');
    expect(await monitor(url, trustRoot, state)).toEqual({
      code: 0,
      result: expect.objectContaining({ ok: true, size: 10, entries_checked: 4 }),
    });

    // a database writer removes the newest entries and checkpoints: what remains is consistent with itself
    await app.close();
    apps.length = 0;
    app = await start(dataDir);
    await tamper(app.db, 'log_leaves', [['DELETE FROM log_leaves WHERE idx >= 7']]);
    await tamper(app.db, 'log_checkpoints', [['DELETE FROM log_checkpoints WHERE tree_size > 7']]);
    await app.close();
    apps.length = 0;
    app = await start(dataDir);
    await app.rest.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.rest.server.address() as { port: number }).port}`;
    expect((await app.rest.inject('/ready')).statusCode).toBe(200); // the self-check cannot know what was cut
    expect(await monitor(url, trustRoot, state)).toEqual({ code: 1, result: { ok: false, problem: expect.stringMatching(/shrank/) } });
    await signSome(app, 3, 'regrown'); // size 10 again, but another tree
    expect(await monitor(url, trustRoot, state)).toEqual({ code: 1, result: { ok: false, problem: expect.stringMatching(/forked/) } });
  }, 90_000);

  it('refuses a log signed with another key, and an entry whose body was changed in transit', async () => {
    const app = await start(seededDataDir());
    await app.rest.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.rest.server.address() as { port: number }).port}`;
    const dir = tempDir('notary-log-monitor-');
    const other = await start(seededDataDir());
    const foreignTrust = join(dir, 'foreign.json');
    writeFileSync(foreignTrust, (await other.rest.inject('/api/v1/trust-root')).body);
    await signSome(app, 2, 'foreign');
    const foreign = await monitor(url, foreignTrust, join(dir, 'a.json'));
    expect([foreign.code, foreign.result.problem]).toEqual([1, expect.stringMatching(/checkpoint/)]);

    const trustRoot = join(dir, 'trust.json');
    writeFileSync(trustRoot, (await app.rest.inject('/api/v1/trust-root')).body);
    await tamper(app.db, 'log_leaves', [["UPDATE log_leaves SET body = replace(body, 'sha256', 'SHA256') WHERE idx = 1"]]);
    const altered = await monitor(url, trustRoot, join(dir, 'b.json'));
    expect([altered.code, altered.result.problem]).toEqual([1, expect.stringMatching(/^entry 1: /)]);
  });
});
