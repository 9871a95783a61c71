/**
 * `npm start` as CI steps and process supervisors run it, in a copy of the project with no dist/:
 * the first start compiles, later ones do not; a SIGTERM or SIGINT sent to the PID of `npm start`
 * drains and stops the service, frees its ports and leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';
import { descendants, portClosed, processRef, stillRunning, type ProcessRef } from '../support/processes.js';
import { uniquePackage } from '../support/records.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROJECT_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'src',
  'console',
  'proto',
  'migrations',
];

interface Started {
  child: ChildProcess;
  /** the PID of `npm start` itself */
  npmPid: () => Promise<number>;
  exited: Promise<number | null>;
  output: () => string;
  http: number;
  grpc: number;
}

let project: string;
let dataDir: string;
/** every process a test saw, killed after the tests if a failure left it running */
const seen: ProcessRef[] = [];

beforeAll(() => {
  project = tempDir('notary-npm-start-');
  for (const file of PROJECT_FILES) cpSync(join(ROOT, file), join(project, file), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  dataDir = tempDir();
});

afterAll(() => {
  for (const p of stillRunning(seen)) process.kill(p.pid, 'SIGKILL');
});

/**
 * `viaShell`: exactly `npm start & P=$!` in a non-interactive shell (the PID is npm's);
 * otherwise npm is spawned directly and its PID is the child's.
 */
async function npmStart(viaShell: boolean): Promise<Started> {
  const [http, grpc] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    NOTARY_DATA_DIR: dataDir,
    NOTARY_HTTP_PORT: String(http),
    NOTARY_GRPC_PORT: String(grpc),
    NOTARY_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NOTARY_LOG_FORMAT: 'json',
    npm_config_update_notifier: 'false',
  };
  const child = viaShell
    ? spawn('sh', ['-c', 'npm start & echo "npm-start-pid $!"; wait $!'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('npm', ['start'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  seen.push(processRef(child.pid!)!);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const npmPid = async () => {
    if (!viaShell) return child.pid!;
    for (let i = 0; i < 100; i++) {
      const m = /npm-start-pid (\d+)/.exec(output);
      if (m) return Number(m[1]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no pid: ${output}`);
  };
  return { child, npmPid, exited, output: () => output, http, grpc };
}

/** Until /ready answers 200 and the start-up line is out (it follows the gRPC port, after REST). */
async function waitReady(s: Started, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (
    !s.output().includes('AFDP notary ready in ') ||
    !(await fetch(`http://127.0.0.1:${s.http}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > until || s.child.exitCode !== null) throw new Error(`not ready:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** JSON log lines of the service (npm's own banner lines are not JSON). */
const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);

async function stopAndCheck(s: Started, signal: NodeJS.Signals, tree: ProcessRef[]): Promise<void> {
  process.kill(await s.npmPid(), signal);
  expect(await s.exited, s.output().slice(-3000)).toBe(0);
  // the drained, orderly stop of the service itself, not a kill from outside
  expect(jsonLines(s.output()).map((l) => l.msg)).toEqual(
    expect.arrayContaining(['shutting down: draining in-flight requests', 'stopped']),
  );
  expect(await portClosed(s.http)).toBe(true);
  expect(await portClosed(s.grpc)).toBe(true);
  expect(stillRunning(tree)).toEqual([]);
}

describe('npm start', () => {
  it('compiles on the first start; SIGTERM to the PID of `npm start &` drains, frees the ports and leaves no process', async () => {
    expect(existsSync(join(project, 'dist'))).toBe(false);
    const s = await npmStart(true);
    await waitReady(s, 240_000);
    expect(s.output()).toMatch(/compiling TypeScript to dist\/ \(no build yet\)/);
    expect(s.output()).toMatch(/building the console into dist\/console \(no build yet\)/);
    expect(s.output()).toMatch(/first start: creating the database and keys under/);
    // the console it built is served
    const consolePage = await fetch(`http://127.0.0.1:${s.http}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/);
    const npmPid = await s.npmPid();
    const tree = descendants(npmPid);
    seen.push(...tree);
    // a request in flight when the signal comes is answered, not cut off
    const inflight = fetch(`http://127.0.0.1:${s.http}/api/v1/evidence/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ evidence_package: uniquePackage('npm-start') }),
    }).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 20));
    await stopAndCheck(s, 'SIGTERM', [processRef(npmPid)!, ...tree]);
    expect([200, 503]).toContain(await inflight);
    // npm → the service (exec replaced the script's shell): npm's one child is the node process that
    // served; below it only the embedded PostgreSQL server it supervises
    expect(tree.filter((p) => p.ppid === npmPid).map((p) => p.command)).toEqual([expect.stringMatching(/node scripts\/start\.mjs$/)]);
    expect(
      tree.filter((p) => p.ppid !== npmPid).every((p) => /postgres/.test(p.command)),
      JSON.stringify(tree),
    ).toBe(true);
  }, 300_000);

  it("starts again without compiling, prints the start-up line, and stops on SIGINT to npm's PID", async () => {
    const s = await npmStart(false);
    await waitReady(s, 120_000);
    const tree = [processRef(s.child.pid!)!, ...descendants(s.child.pid!)];
    seen.push(...tree);
    expect(s.output()).not.toMatch(/compiling TypeScript|building the console/);
    const ready = jsonLines(s.output()).find((l) => String(l.msg).startsWith('AFDP notary ready in '));
    expect(ready?.startup).toMatchObject({
      rest: `http://127.0.0.1:${s.http}`,
      grpc: `127.0.0.1:${s.grpc}`,
      store: `embedded PostgreSQL in ${dataDir}/pg`,
      signer: `local keyring in ${dataDir}`,
      log: 'embedded RFC 6962 log',
      auth: 'off',
    });
    // the database exists now: no first-start lines
    expect(s.output()).not.toMatch(/first start: creating the database/);
    await stopAndCheck(s, 'SIGINT', tree);
  }, 180_000);
});
