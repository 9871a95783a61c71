/**
 * Issue 22, `key_management: Vault_Transit`: with the Vault signer and NOTARY_VAULT_EVIDENCE_KEY,
 * evidence bodies are sealed under data keys Vault transit makes and wraps (datakey/wrapped,
 * decrypt, rewrap, keys/:name/rotate on the loopback Vault, real AES-256-GCM). A marker is in no
 * file of the data folder nor in the database dump, yet an authorized reader gets it; Vault down
 * answers 503 on the sign path (nothing stored) and on reads, and both recover; `afdp-notary rewrap
 * --rotate` moves every row to the new key version and every body stays readable.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../src/cli/backup/dump.js';
import { run } from '../../src/cli/run.js';
import { filesHolding, smallPackage } from '../support/at-rest.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { vaultEnv } from '../support/vault-fixture.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

const EVIDENCE_KEY = 'afdp-evidence';

describe('evidence encrypted with Vault transit data keys', () => {
  let vault: VaultServer;
  let app: TestApp;
  let env: Record<string, string>;
  const marker = `PHI-VAULT-${randomBytes(12).toString('hex')}`;
  const signed: Array<{ pkg: Record<string, unknown>; hash: string }> = [];
  const read = (a: TestApp, hash: string) => a.rest.inject(`/api/v1/evidence/${hash}`);
  const calls = (op: string) => vault.requests.filter((r) => r.path === `/v1/transit/${op}`).length;

  beforeAll(async () => {
    vault = await startVaultServer();
    env = {
      NOTARY_DATA_DIR: tempDir(),
      ...vaultEnv(vault),
      NOTARY_VAULT_EVIDENCE_KEY: EVIDENCE_KEY,
      NOTARY_VAULT_DATA_KEY_USES: '3',
    };
    app = await startTestApp(env);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await vault?.close();
  });

  const signOne = async (a: TestApp, name: string) => {
    const pkg = smallPackage(name);
    const res = await sign(a.rest, pkg);
    expect(res.status).toBe(200);
    signed.push({ pkg, hash: res.body.receipt.evidence_package_hash });
    return res.body.receipt.evidence_package_hash as string;
  };

  it('seals bodies under Vault data keys, one per window of 3 bodies: the marker is in no data-folder file nor in the dump, yet a reader gets it', async () => {
    const hash = await signOne(app, marker);
    for (let i = 0; i < 4; i++) await signOne(app, `other-${i}-${marker.slice(-6)}`);
    expect(vault.requests.find((r) => r.method === 'POST' && r.path === `/v1/transit/keys/${EVIDENCE_KEY}`)?.body).toEqual({
      type: 'aes256-gcm96',
    });
    expect(calls(`datakey/wrapped/${EVIDENCE_KEY}`)).toBe(2); // 5 bodies, windows of 3: Vault is not asked per row
    const get = await read(app, hash);
    expect(get.statusCode).toBe(200);
    expect(get.json().evidence_package.metadata.diagnosis).toBe(marker);
    const { rows } = await app.db.query<{ body_kek: string; body_kek_version: number; body_wrapped_key: string }>(
      'SELECT body_kek, body_kek_version, body_wrapped_key FROM evidence WHERE hash = $1',
      [hash],
    );
    expect(rows[0]).toMatchObject({
      body_kek: `vault-transit:${EVIDENCE_KEY}`,
      body_kek_version: 1,
      body_wrapped_key: expect.stringMatching(/^vault:v1:/),
    });
    // no local KEK file is made: the KEK is in Vault
    expect(existsSync(join(app.config.dataDir, 'keyring', 'evidence-keks.json'))).toBe(false);
    await app.db.query('CHECKPOINT');
    expect(filesHolding(app.config.dataDir, marker)).toEqual([]);
    const dump = tempDir('notary-dump-');
    expect((await dumpDatabase(app.db, dump)).tables.evidence?.rows).toBeGreaterThanOrEqual(5);
    expect(filesHolding(dump, marker)).toEqual([]);
  });

  it('Vault failing its data keys: sign answers 503 and stores nothing, then recovers', async () => {
    await signOne(app, `fill-${marker.slice(-6)}`); // the last use of the current window: the next body needs a new data key
    vault.failNext(1000, 503, /\/transit\/datakey\//);
    const pkg = smallPackage(`down-${marker}`);
    const res = await sign(app.rest, pkg);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 503, code: 'unavailable' });
    const { rows } = await app.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM evidence WHERE event_type = $1 AND body IS NOT NULL',
      [pkg.event_type],
    );
    const before = rows[0]!.n;
    expect(
      (await app.rest.inject({ method: 'GET', url: `/api/v1/evidence?actor_id=${encodeURIComponent(pkg.actor.id)}` }))
        .json()
        .evidence.map((e: { evidence_package: { metadata: unknown } }) => e.evidence_package.metadata),
    ).not.toContainEqual({ diagnosis: `down-${marker}` });
    vault.clearFailures();
    const again = await sign(app.rest, pkg); // the caller retries: the same package, now stored once
    expect(again.status).toBe(200);
    expect((await read(app, again.body.receipt.evidence_package_hash)).json().evidence_package.metadata.diagnosis).toBe(`down-${marker}`);
    const after = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence WHERE event_type = $1 AND body IS NOT NULL', [
      pkg.event_type,
    ]);
    expect(after.rows[0]!.n).toBe(before + 1);
  });

  it('Vault sealed: a reader without the data key cached gets 503, and the body once Vault is back', async () => {
    await app.close();
    app = await startTestApp(env); // a restart: nothing cached
    const restarted = app;
    try {
      vault.seal();
      const down = await read(restarted, signed[0]!.hash);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 503, code: 'unavailable' });
      expect(down.body).not.toContain(marker);
      vault.unseal();
      const up = await read(restarted, signed[0]!.hash);
      expect(up.statusCode).toBe(200);
      expect(up.json().evidence_package.metadata.diagnosis).toBe(marker);
    } finally {
      vault.unseal();
    }
  }, 120_000);

  it('afdp-notary rewrap --rotate: transit rotates the key, rewrap moves every row to v2, every body stays readable', async () => {
    const io = { lines: [] as string[] };
    const saved = { ...process.env };
    Object.assign(process.env, env); // the CLI reads the service's configuration
    let code: number;
    try {
      code = await run(['rewrap', '--rotate'], { out: (l) => io.lines.push(l), err: (l) => io.lines.push(l) });
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    expect(code, io.lines.join('\n')).toBe(0);
    expect(io.lines[0]).toBe(`evidence KEK vault-transit:${EVIDENCE_KEY} rotated to version 2`);
    expect(calls(`keys/${EVIDENCE_KEY}/rotate`)).toBe(1);
    // rows of one window share a wrapped key: Vault rewraps each once
    expect(calls(`rewrap/${EVIDENCE_KEY}`)).toBeLessThan(signed.length);
    const { rows } = await app.db.query<{ body_kek_version: number; body_wrapped_key: string }>(
      'SELECT body_kek_version, body_wrapped_key FROM evidence WHERE body IS NOT NULL',
    );
    expect(rows.length).toBeGreaterThanOrEqual(signed.length);
    for (const r of rows) {
      expect(r.body_kek_version).toBe(2);
      expect(r.body_wrapped_key).toMatch(/^vault:v2:/);
    }
    for (const { pkg, hash } of signed) expect((await read(app, hash)).json().evidence_package).toEqual(pkg);
    await app.close();
    app = await startTestApp(env); // a restart: every key comes from Vault again, now as v2
    for (const { pkg, hash } of signed) expect((await read(app, hash)).json().evidence_package).toEqual(pkg);
    // a body sealed after the rotation is wrapped by v2
    const hash = await signOne(app, `after-rotate-${marker.slice(-6)}`);
    expect((await app.db.query<{ v: number }>('SELECT body_kek_version AS v FROM evidence WHERE hash = $1', [hash])).rows[0]!.v).toBe(2);
  }, 120_000);
});
