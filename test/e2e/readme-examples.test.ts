/**
 * The README's examples run as written: its Node snippet is examples/verify-signature.mjs word for
 * word, and that file checks a real receipt from a running notary (and refuses a changed package);
 * its shell examples write files only under absolute paths, never into the checkout.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { fixture } from '../support/records.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const EXAMPLE = join(root, 'examples/verify-signature.mjs');

function runExample(...files: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [EXAMPLE, ...files], { cwd: root, timeout: 20_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }));
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

  it('shows examples/verify-signature.mjs as its only Node snippet, complete', () => {
    expect(blocks('js')).toEqual([readFileSync(EXAMPLE, 'utf8')]);
  });

  it('verifies a receipt the notary issued with the snippet, and refuses a changed package', async () => {
    const pkg = fixture();
    const signed = await sign(app.rest, pkg);
    expect(signed.status).toBe(200);
    const trustRoot = (await app.rest.inject('/api/v1/trust-root')).json();
    const files = { evidence: join(dir, 'evidence.json'), signed: join(dir, 'signed.json'), trust: join(dir, 'trust-root.json'), changed: join(dir, 'changed.json') };
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
    const targets = blocks('sh').flatMap((b) => [...b.matchAll(/(?:(?<![>2&])>|\btee)\s+([^\s|;&]+)/g)].map((m) => m[1]!)).filter((t) => t !== '/dev/null');
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target, target).toMatch(/^\//);
  });
});
