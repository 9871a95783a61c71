/**
 * The README's examples run as written: the quick start is the two commands plus one
 * `afdp-notary sign`, which signs against a listening notary from this checkout; its Node snippet is
 * examples/verify-signature.mjs word for word, and that file checks a real receipt from a running
 * notary (and refuses a changed package); its shell examples write files only under absolute paths,
 * never into the checkout.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign, validate } from '../support/http.js';
import { fixture } from '../support/records.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const EXAMPLE = join(root, 'examples/verify-signature.mjs');

function runExample(...files: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [EXAMPLE, ...files], { cwd: root, timeout: 20_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('README examples', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    dir = tempDir('notary-readme-');
  });
  afterAll(async () => app?.close());

  it('quick start: the two commands, then one `afdp-notary sign` that signs a fixture from the checkout', async () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    const commands = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
      m[1]!.split('\n').filter((l) => /^(npm|npx|node|curl) /.test(l)),
    );
    expect(commands.flat().map((l) => l.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm start',
      'npm test',
      'npx --no-install afdp-notary sign ../shared/fixtures/evidence/gpt-4-finetune-evidence.json --out /tmp/signed.json',
    ]);
    const signLine = commands.flat()[2]!;
    // as written, but with its file under this run's temporary folder and the notary at its test port
    await app.rest.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.rest.server.address() as AddressInfo;
    const run = await new Promise<{ code: number; out: string }>((done) => {
      execFile(
        'bash',
        ['-c', signLine.replaceAll('/tmp/', `${dir}/`)],
        { cwd: root, timeout: 60_000, env: { ...process.env, AFDP_NOTARY_URL: `http://127.0.0.1:${port}` } },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(run.code, run.out).toBe(0);
    const signed = JSON.parse(readFileSync(join(dir, 'signed.json'), 'utf8'));
    expect(run.out).toContain(`evidence_package_hash ${signed.receipt.evidence_package_hash}\n`);
    const check = await validate(app.rest, fixture(), signed.receipt);
    expect(check.body.is_valid).toBe(true);
  });

  it('shows examples/verify-signature.mjs as its only Node snippet, complete', () => {
    expect(blocks('js')).toEqual([readFileSync(EXAMPLE, 'utf8')]);
  });

  it('verifies a receipt the notary issued with the snippet, and refuses a changed package', async () => {
    const pkg = fixture();
    const signed = await sign(app.rest, pkg);
    expect(signed.status).toBe(200);
    const trustRoot = (await app.rest.inject('/api/v1/trust-root')).json();
    const files = {
      evidence: join(dir, 'evidence.json'),
      signed: join(dir, 'signed.json'),
      trust: join(dir, 'trust-root.json'),
      changed: join(dir, 'changed.json'),
    };
    writeFileSync(files.evidence, JSON.stringify(pkg));
    writeFileSync(files.signed, JSON.stringify(signed.body));
    writeFileSync(files.trust, JSON.stringify(trustRoot));
    writeFileSync(files.changed, JSON.stringify({ ...pkg, event_type: `${pkg.event_type}.changed` }));
    const ok = await runExample(files.evidence, files.signed, files.trust);
    expect(ok.out).toBe(`signature valid: ${signed.body.receipt.key_id} v${signed.body.receipt.key_version}\n`);
    expect(ok.code).toBe(0);
    const changed = await runExample(files.changed, files.signed, files.trust);
    expect(changed.code).toBe(1);
    expect(changed.out).toBe('signature NOT valid\n');
  });

  it('writes files from its shell examples only under absolute paths, never into the checkout', () => {
    // redirections and tee: the ways these examples write files
    const targets = blocks('sh')
      .flatMap((b) => [...b.matchAll(/(?:(?<![>2&])>|\btee)\s+([^\s|;&]+)/g)].map((m) => m[1]!))
      .filter((t) => t !== '/dev/null');
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target, target).toMatch(/^\//);
  });
});
