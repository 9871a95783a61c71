/**
 * `afdp-notary sign` as a pipeline step runs it, against a service process with authentication
 * required: from a checkout after `npm ci` (the bin in node_modules/.bin, `npx --no-install
 * afdp-notary`) and from an installed package (`npm pack`, the tarball installed globally into a
 * temporary prefix, npm cache first: `--prefer-offline`, with the versions the tarball's
 * npm-shrinkwrap.json pins — a fresh machine's cache holds the tarballs `npm ci` fetched but not
 * every package's metadata, which npm asks for since the lock's entries carry no `resolved`; the
 * typed client travels as a bundled dependency). Each exit status (0 signed, 1 refused,
 * 2 usage or unreachable) is seen from a real process once; the many option variants run the same
 * command in-process.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRestClient } from '@afdp-notary/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSign } from '../../src/cli/sign.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';
import { FIXTURE_DIR, uniquePackage } from '../support/records.js';
import { startService, waitReady, type ServiceProcess } from '../support/service-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin/afdp-notary');
const ADMIN_TOKEN = 'cli-sign-admin-token-7d1e';
const FIXTURE = join(FIXTURE_DIR, 'gpt-4-finetune-evidence.json');

type Run = { code: number; stdout: string; stderr: string };
/** A process with the environment a pipeline step would have: no AFDP_NOTARY_* unless given. */
function spawnRun(
  file: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AFDP_NOTARY_')));
    const child = execFile(
      file,
      args,
      { cwd: options.cwd ?? dir, env: { ...clean, ...options.env }, timeout: 240_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 99) : 0, stdout, stderr }),
    );
    child.stdin!.end(options.input ?? '');
  });
}

/** The same command in this process (runSign with its own environment). */
async function signHere(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSign(
    args,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { AFDP_NOTARY_URL: service.url, AFDP_NOTARY_TOKEN: ADMIN_TOKEN, ...env },
  );
  return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}

let service: ServiceProcess;
let dir: string;
let env: Record<string, string>;
let apiKey: string;
let trustRoot: string;
let prefix: string;
let installed: Promise<Run>;
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

beforeAll(async () => {
  dir = tempDir('notary-cli-sign-');
  prefix = tempDir('notary-prefix-');
  // packing and installing takes ~40 s of mostly waiting: done while the service starts
  installed = (async () => {
    const packDir = tempDir('notary-pack-');
    const packed = await spawnRun('npm', ['pack', '--pack-destination', packDir, '--silent'], { cwd: ROOT });
    if (packed.code !== 0) return packed;
    const tgz = join(
      packDir,
      readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
    );
    return spawnRun('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz]);
  })();
  service = await startService({
    NOTARY_DATA_DIR: seededDataDir(),
    NOTARY_AUTH_MODE: 'required',
    NOTARY_ADMIN_TOKEN: ADMIN_TOKEN,
    NOTARY_ANCHOR_RETRY_MS: '100',
  });
  await waitReady(service, 90_000);
  env = { AFDP_NOTARY_URL: service.url, AFDP_NOTARY_TOKEN: ADMIN_TOKEN };
  const admin = createRestClient({ url: service.url, bearerToken: ADMIN_TOKEN });
  apiKey = (await admin.api.POST('/api/v1/auth/api-keys', { body: { name: 'cli-sign-test', roles: ['ai_engineer'] } })).data!.api_key;
  trustRoot = file('trust-root.json', await admin.trustRoot());
}, 120_000);

afterAll(async () => {
  await installed?.catch(() => undefined);
  await service?.stop();
});

describe('afdp-notary sign from the checkout', () => {
  it('signs a fixture with node_modules/.bin/afdp-notary, writes the receipt, and verify checks it offline (exit 0)', async () => {
    const out = join(dir, 'signed.json');
    const signed = await spawnRun(BIN, ['sign', FIXTURE, '--out', out], { env });
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    const response = JSON.parse(readFileSync(out, 'utf8'));
    expect(signed.stdout).toBe(
      `signed: workflow ${response.workflow_id}\nevidence_package_hash ${response.receipt.evidence_package_hash}\n` +
        `key ${response.receipt.key_id} v${response.receipt.key_version} · anchored at log index ${response.receipt.log_index}\nreceipt written to ${out}\n`,
    );
    const verified = await spawnRun(BIN, ['verify', '--evidence', FIXTURE, '--receipt', out, '--trust-root', trustRoot]);
    expect(verified.stdout.trim().split('\n').at(-1)).toBe('receipt verified offline');
    expect(verified.code).toBe(0);
  });

  it('runs as `npx --no-install afdp-notary`: stdin, --api-key, --wait anchored, --json', async () => {
    const res = await spawnRun(
      'npx',
      ['--no-install', 'afdp-notary', 'sign', '-', '--wait', 'anchored', '--json', '--api-key', apiKey, '--url', service.url],
      { cwd: ROOT, input: JSON.stringify({ evidence_package: uniquePackage('cli-npx') }) },
    );
    expect(res.code, res.stderr).toBe(0);
    const body = JSON.parse(res.stdout);
    expect(body).toMatchObject({ status: 'completed', replayed: false, receipt: { anchoring: 'anchored' } });
    expect(body.idempotency_key).toMatch(/^afdp-client-/);
    expect(Number.isInteger(body.receipt.log_index)).toBe(true);
  }, 90_000); // npx resolves the workspace first: seconds on an idle machine, more beside other test runs

  it("exits 1 when the service refuses, with the service's code and field under --json", async () => {
    const bad = await spawnRun(BIN, ['sign', file('bad.json', { ...uniquePackage('cli-bad'), spec_version: '' }), '--json'], { env });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      kind: 'refused',
      code: 'validation_failed',
      http_status: 422,
      field: 'evidence_package.spec_version',
    });
  });

  it('exits 2 when nothing answers at --url', async () => {
    const down = await spawnRun(BIN, ['sign', FIXTURE, '--json', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(2);
    expect(JSON.parse(down.stdout).error).toMatchObject({ kind: 'unreachable' });
  });
});

describe('afdp-notary sign options', () => {
  it('--idempotency-key: running again returns the first receipt; another package under it is refused (1)', async () => {
    const pkg = file('replay.json', uniquePackage('cli-replay'));
    const key = `pipeline-run-${Date.now()}`;
    const first = JSON.parse((await signHere([pkg, '--idempotency-key', key, '--json'])).stdout);
    const again = await signHere([pkg, '--idempotency-key', key, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      replayed: true,
      workflow_id: first.workflow_id,
      receipt: { signature_b64: first.receipt.signature_b64 },
    });
    expect((await signHere([pkg, '--idempotency-key', key])).stdout).toContain('replayed');
    const other = await signHere([file('other.json', uniquePackage('cli-replay-other')), '--idempotency-key', key, '--json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).error).toMatchObject({ kind: 'refused', code: 'idempotency_mismatch', http_status: 422 });
  });

  it('credentials: none is 401 (1); --token and --api-key override the environment', async () => {
    const anonymous = await signHere([FIXTURE, '--json'], { AFDP_NOTARY_TOKEN: undefined });
    expect(anonymous.code).toBe(1);
    expect(JSON.parse(anonymous.stdout).error).toMatchObject({ code: 'unauthenticated', http_status: 401 });
    expect((await signHere([FIXTURE, '--api-key', apiKey], { AFDP_NOTARY_TOKEN: undefined })).code).toBe(0);
    expect((await signHere([FIXTURE, '--api-key', 'afdp_not-a-key'], { AFDP_NOTARY_TOKEN: undefined })).code).toBe(1);
  });

  it('exits 2 on usage and input errors, with the usage text', async () => {
    for (const args of [
      [],
      [FIXTURE, FIXTURE],
      [FIXTURE, '--wait', 'forever'],
      [FIXTURE, '--wait-timeout', '0'],
      [FIXTURE, '--url', 'ftp://x'],
      [FIXTURE, '--idempotency-key', 'has space'],
      [FIXTURE, '--bogus'],
    ]) {
      const res = await signHere(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toContain('Usage: afdp-notary sign');
    }
    writeFileSync(join(dir, 'not-json.json'), '{"spec_version": ');
    for (const input of [join(dir, 'missing.json'), join(dir, 'not-json.json'), file('array.json', [uniquePackage('cli-array')])]) {
      const res = await signHere([input, '--json']);
      expect(res.code, input).toBe(2);
      expect(JSON.parse(res.stdout).error.kind, input).toBe('input');
    }
  });
});

describe('afdp-notary from a packed tarball installed globally', () => {
  it('installs from the tarball (npm cache first), with the typed client bundled and no checkout involved', async () => {
    const install = await installed;
    expect(install.code, install.stderr).toBe(0);
    const pkgDir = join(prefix, 'lib/node_modules/afdp-notary');
    expect(realpathSync(join(prefix, 'bin/afdp-notary'))).toBe(join(realpathSync(pkgDir), 'dist/cli/afdp-notary.js'));
    const client = join(pkgDir, 'node_modules/@afdp-notary/client');
    expect(JSON.parse(readFileSync(join(client, 'package.json'), 'utf8')).name).toBe('@afdp-notary/client');
    expect(existsSync(join(client, 'dist/packages/client/src/rest.js'))).toBe(true);
    expect(realpathSync(client).startsWith(realpathSync(prefix))).toBe(true);
  }, 240_000);

  it('signs with <prefix>/bin/afdp-notary and verifies the receipt it wrote', async () => {
    expect((await installed).code).toBe(0);
    const bin = join(prefix, 'bin/afdp-notary');
    const out = join(dir, 'installed-signed.json');
    const signed = await spawnRun(bin, ['sign', FIXTURE, '--out', out], { env });
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(`receipt written to ${out}`);
    const verified = await spawnRun(bin, ['verify', '--evidence', FIXTURE, '--receipt', out, '--trust-root', trustRoot]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout.trim().split('\n').at(-1)).toBe('receipt verified offline');
  });
});
