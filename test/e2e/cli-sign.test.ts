/**
 * `afdp-notary sign` as a pipeline step runs it from a checkout after `npm ci`: the bin in
 * node_modules/.bin and `npx --no-install afdp-notary`, separate processes against a service
 * process with authentication required; every exit status (0 signed, 1 refused, 2 usage or
 * unreachable), --json, --out read back by `afdp-notary verify`, --wait anchored, --idempotency-key.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRestClient } from '@afdp-notary/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';
import { FIXTURE_DIR, uniquePackage } from '../support/records.js';
import { startService, waitReady, type ServiceProcess } from '../support/service-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin/afdp-notary');
const ADMIN_TOKEN = 'cli-sign-admin-token-7d1e';
const FIXTURE = join(FIXTURE_DIR, 'gpt-4-finetune-evidence.json');

type Run = { code: number; stdout: string; stderr: string };
/** Runs a command with the environment a pipeline step would have (no AFDP_NOTARY_* unless given). */
function run(file: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AFDP_NOTARY_')));
    const child = execFile(file, args, { cwd: dir, env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 99) : 0, stdout, stderr }));
    child.stdin!.end(input ?? '');
  });
}

let service: ServiceProcess;
let dir: string;
let env: Record<string, string>;
let apiKey: string;
const sign = (args: string[], extra: Record<string, string> = {}, input?: string) => run(BIN, ['sign', ...args], { ...env, ...extra }, input);
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

beforeAll(async () => {
  dir = tempDir('notary-cli-sign-');
  service = await startService({ NOTARY_DATA_DIR: tempDir(), NOTARY_AUTH_MODE: 'required', NOTARY_ADMIN_TOKEN: ADMIN_TOKEN, NOTARY_ANCHOR_RETRY_MS: '100' });
  await waitReady(service, 90_000);
  env = { AFDP_NOTARY_URL: service.url, AFDP_NOTARY_TOKEN: ADMIN_TOKEN };
  const admin = createRestClient({ url: service.url, bearerToken: ADMIN_TOKEN });
  const created = await admin.api.POST('/api/v1/auth/api-keys', { body: { name: 'cli-sign-test', roles: ['ai_engineer'] } });
  apiKey = created.data!.api_key;
}, 120_000);

afterAll(async () => service?.stop());

describe('afdp-notary sign', () => {
  it('signs a fixture from the checkout\'s bin, writes the receipt, and verify checks it offline (exit 0)', async () => {
    const out = join(dir, 'signed.json');
    const signed = await sign([FIXTURE, '--out', out]);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    const response = JSON.parse(readFileSync(out, 'utf8'));
    expect(signed.stdout).toContain(`signed: workflow ${response.workflow_id}\n`);
    expect(signed.stdout).toContain(`evidence_package_hash ${response.receipt.evidence_package_hash}\n`);
    expect(signed.stdout).toContain(`receipt written to ${out}\n`);
    const trust = file('trust-root.json', await createRestClient({ url: service.url }).trustRoot());
    const verified = await run(BIN, ['verify', '--evidence', FIXTURE, '--receipt', out, '--trust-root', trust]);
    expect(verified.stdout.trim().split('\n').at(-1)).toBe('receipt verified offline');
    expect(verified.code).toBe(0);
  });

  it('runs as `npx --no-install afdp-notary` in the checkout: stdin, --api-key, --wait anchored, --json', async () => {
    const pkg = uniquePackage('cli-npx');
    const res = await new Promise<Run>((done) => {
      const child = execFile('npx', ['--no-install', 'afdp-notary', 'sign', '-', '--wait', 'anchored', '--json', '--api-key', apiKey, '--url', service.url], { cwd: ROOT, timeout: 60_000 },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 99) : 0, stdout, stderr }));
      child.stdin!.end(JSON.stringify({ evidence_package: pkg }));
    });
    expect(res.code, res.stderr).toBe(0);
    const body = JSON.parse(res.stdout);
    expect(body).toMatchObject({ status: 'completed', replayed: false, receipt: { anchoring: 'anchored' } });
    expect(body.idempotency_key).toMatch(/^afdp-client-/);
    expect(Number.isInteger(body.receipt.log_index)).toBe(true);
  });

  it('--idempotency-key: running again returns the first receipt; another package under it is refused (exit 1)', async () => {
    const pkg = file('replay.json', uniquePackage('cli-replay'));
    const key = `pipeline-run-${Date.now()}`;
    const first = JSON.parse((await sign([pkg, '--idempotency-key', key, '--json'])).stdout);
    const again = await sign([pkg, '--idempotency-key', key, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ replayed: true, workflow_id: first.workflow_id, receipt: { signature_b64: first.receipt.signature_b64 } });
    expect((await sign([pkg, '--idempotency-key', key])).stdout).toContain('replayed');
    const other = await sign([file('other.json', uniquePackage('cli-replay-other')), '--idempotency-key', key, '--json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).error).toMatchObject({ kind: 'refused', code: 'idempotency_mismatch', http_status: 422 });
  });

  it('exit 1 when the service refuses: a bad package (code and field), no credentials', async () => {
    const bad = await sign([file('bad.json', { ...uniquePackage('cli-bad'), spec_version: '' }), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'validation_failed', http_status: 422, field: 'evidence_package.spec_version' });
    const anonymous = await sign([FIXTURE, '--json'], { AFDP_NOTARY_TOKEN: '' });
    expect(anonymous.code).toBe(1);
    expect(JSON.parse(anonymous.stdout).error).toMatchObject({ code: 'unauthenticated', http_status: 401 });
  });

  it('exit 2 on usage and input errors, and when nothing answers at --url', async () => {
    for (const args of [[], [FIXTURE, FIXTURE], [FIXTURE, '--wait', 'forever'], [FIXTURE, '--url', 'ftp://x'], [FIXTURE, '--idempotency-key', 'has space'], [FIXTURE, '--bogus']]) {
      const res = await sign(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toContain('Usage: afdp-notary sign');
    }
    expect((await sign([join(dir, 'missing.json')])).code).toBe(2);
    writeFileSync(join(dir, 'not-json.json'), '{"spec_version": ');
    expect((await sign([join(dir, 'not-json.json')])).code).toBe(2);
    expect((await sign([file('array.json', [uniquePackage('cli-array')])])).code).toBe(2);
    const down = await sign([FIXTURE, '--json', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(2);
    expect(JSON.parse(down.stdout).error).toMatchObject({ kind: 'unreachable' });
  });
});
