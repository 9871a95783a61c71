/**
 * The CLI from an installed package, as someone outside the checkout gets it: `npm pack`, the
 * tarball installed globally into a temporary prefix from the npm cache alone (`--offline`: the
 * tarball's npm-shrinkwrap.json pins what `npm ci` put in the cache), then `<prefix>/bin/afdp-notary
 * sign` against a running service and `afdp-notary verify` on what it wrote. The typed client is a
 * bundled dependency: the tarball carries it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRestClient } from '@afdp-notary/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/databases.js';
import { FIXTURE_DIR } from '../support/records.js';
import { startService, waitReady, type ServiceProcess } from '../support/service-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(FIXTURE_DIR, 'gpt-4-finetune-evidence.json');

type Run = { code: number; stdout: string; stderr: string };
const run = (file: string, args: string[], cwd: string): Promise<Run> => new Promise((done) => {
  execFile(file, args, { cwd, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 99) : 0, stdout, stderr }));
});

let service: ServiceProcess;
let prefix: string;
let work: string;
let install: Run;

beforeAll(async () => {
  const packDir = tempDir('notary-pack-');
  prefix = tempDir('notary-prefix-');
  work = tempDir('notary-pack-work-');
  const installed = (async () => {
    const packed = await run('npm', ['pack', '--pack-destination', packDir, '--silent'], ROOT);
    if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
    install = await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(packDir, tgz)], work);
  })();
  service = await startService({ NOTARY_DATA_DIR: tempDir(), NOTARY_ANCHOR_RETRY_MS: '100' });
  await Promise.all([installed, waitReady(service, 90_000)]);
}, 300_000);

afterAll(async () => service?.stop());

describe('afdp-notary from a packed tarball installed globally', () => {
  it('installs offline from the npm cache, with the typed client bundled and no checkout involved', () => {
    expect(install.code, install.stderr).toBe(0);
    const pkgDir = join(prefix, 'lib/node_modules/afdp-notary');
    expect(realpathSync(join(prefix, 'bin/afdp-notary'))).toBe(join(realpathSync(pkgDir), 'dist/cli/afdp-notary.js'));
    const client = join(pkgDir, 'node_modules/@afdp-notary/client');
    expect(JSON.parse(readFileSync(join(client, 'package.json'), 'utf8')).name).toBe('@afdp-notary/client');
    expect(existsSync(join(client, 'dist/packages/client/src/rest.js'))).toBe(true);
    expect(realpathSync(client).startsWith(realpathSync(prefix))).toBe(true);
  });

  it('signs with <prefix>/bin/afdp-notary and verifies the receipt it wrote', async () => {
    const bin = join(prefix, 'bin/afdp-notary');
    const out = join(work, 'signed.json');
    const signed = await run(bin, ['sign', FIXTURE, '--url', service.url, '--out', out], work);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(`receipt written to ${out}`);
    const trust = join(work, 'trust-root.json');
    writeFileSync(trust, JSON.stringify(await createRestClient({ url: service.url }).trustRoot()));
    const verified = await run(bin, ['verify', '--evidence', FIXTURE, '--receipt', out, '--trust-root', trust], work);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout.trim().split('\n').at(-1)).toBe('receipt verified offline');
  });
});
