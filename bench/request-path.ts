/**
 * Which `src/` files one warm REST sign passes through (issue #19): builds the app in-process on
 * embedded defaults (its own embedded PostgreSQL in a temp data folder, auth off), warms it up with
 * signs over real HTTP, then takes V8 precise coverage (call counts, function granularity) around one
 * `POST /api/v1/evidence/sign` over real HTTP and lists every `src/` file with a function that ran,
 * grouped by folder — hooks, auth, metrics and logging included.
 *
 * Background timers: the app's own loops (anchorer, workflow runner, log self-check, audit anchors,
 * retention) are stopped before the measured window. Then an idle window as long as the request
 * window is taken with no request: a function that ran in that window runs on its own (a timer), so a
 * file whose every function that ran during the request also ran idle is listed apart, not counted.
 *
 *   npx tsx bench/request-path.ts [--json] [--warmup 20] [--root DIR] [--data-dir DIR]
 * --root measures another checkout of this repository (e.g. a worktree of an older commit); its
 * node_modules must be installed. --data-dir uses that folder (e.g. a copy of a seeded cluster)
 * instead of a new temp folder; it is left in place.
 */
import { Session } from 'node:inspector/promises';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { tracingOn } from '../src/observability/tracing.js';
import { uniquePackage } from '../test/support/records.js';

export interface RequestPath {
  root: string;
  commit?: string;
  /** files (relative to src/) with a function that ran for the measured request, sorted */
  files: string[];
  /** the same, grouped by folder (relative to src/; '.' for src/ itself) */
  byFolder: Record<string, string[]>;
  /** per counted file, its functions that ran (`name@offset`) and how often */
  functions: Record<string, Record<string, number>>;
  /** files whose functions that ran also ran in the idle window: timers, not the request (not counted) */
  background: string[];
  /** files with a function that ran in the idle window with no request */
  idle: string[];
  status: number;
  requestMs: number;
}

interface FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; endOffset: number; count: number }[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

const ROOT = join(import.meta.dirname, '..');

/** `file → (function name@offset → calls)` for the functions that ran in the scripts under `srcUrl`. */
function ranFunctions(result: ScriptCoverage[], srcUrl: string): Map<string, Map<string, number>> {
  const ran = new Map<string, Map<string, number>>();
  for (const script of result) {
    if (!script.url.startsWith(srcUrl)) continue;
    const file = script.url.slice(srcUrl.length);
    for (const fn of script.functions) {
      if ((fn.ranges[0]?.count ?? 0) === 0) continue;
      const calls = ran.get(file) ?? new Map<string, number>();
      calls.set(`${fn.functionName || '(anonymous)'}@${fn.ranges[0]!.startOffset}`, fn.ranges[0]!.count);
      ran.set(file, calls);
    }
  }
  return ran;
}

function byFolder(files: string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const f of files) (groups[dirname(f)] ??= []).push(f);
  return Object.fromEntries(Object.entries(groups).sort(([a], [b]) => a.localeCompare(b)));
}

export async function measureRequestPath(options: { root?: string; warmup?: number; dataDir?: string } = {}): Promise<RequestPath> {
  const root = options.root ?? ROOT;
  const src = join(root, 'src');
  const srcUrl = pathToFileURL(src).href + '/';
  const load = (path: string) => import(pathToFileURL(join(src, path)).href);
  const { buildApp } = await load('app.ts');
  const { loadConfig } = await load('config.ts');
  // the logger moved into observability/ with #19; older checkouts have it at src/
  const { createLogger } = await load(existsSync(join(src, 'observability/logger.ts')) ? 'observability/logger.ts' : 'logger.ts');

  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'notary-request-path-'));
  const config = loadConfig({ NOTARY_DATA_DIR: dataDir, NOTARY_HTTP_PORT: '0', NOTARY_GRPC_PORT: '0' });
  // lines are formatted and written as in production (the logger main.ts makes), to a sink that drops them
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const app = await buildApp(config, createLogger(config.logLevel, sink, 'json', config.logRedact, tracingOn(config.tracing)));
  const session = new Session();
  try {
    await app.rest.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.rest.server.address() as AddressInfo).port}/api/v1/evidence/sign`;
    let seq = 0;
    const sign = async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ evidence_package: uniquePackage(`request-path-${seq++}`) }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    for (let i = 0; i < (options.warmup ?? 20); i++) {
      const status = await sign();
      if (status !== 200) throw new Error(`warm-up sign answered ${status}`);
    }
    // the app's own timers stop: what runs below is the request (the idle window checks that)
    await app.anchorer.stop();
    await app.workflowRunner.stop();
    await app.logSelfCheck?.stop();
    await app.auditAnchors.stop();
    await app.retention?.stop();
    await app.auditRetention?.stop();
    const settle = () => new Promise((r) => setTimeout(r, 50));
    await settle();

    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    const take = async () => ((await session.post('Profiler.takePreciseCoverage')) as { result: ScriptCoverage[] }).result;
    await take(); // resets the counters

    const started = performance.now();
    const status = await sign();
    const requestMs = performance.now() - started;
    await settle(); // onResponse hooks, request log line, metrics
    const windowMs = performance.now() - started;
    const during = ranFunctions(await take(), srcUrl);

    await new Promise((r) => setTimeout(r, windowMs));
    const idle = ranFunctions(await take(), srcUrl);
    await session.post('Profiler.stopPreciseCoverage');

    const background: string[] = [];
    const files: string[] = [];
    for (const [file, fns] of during) {
      const idleFns = idle.get(file);
      if (idleFns && [...fns.keys()].every((f) => idleFns.has(f))) background.push(file);
      else files.push(file);
    }
    files.sort();
    return {
      root,
      files,
      byFolder: byFolder(files),
      functions: Object.fromEntries(files.map((f) => [f, Object.fromEntries(during.get(f)!)])),
      background: background.sort(),
      idle: [...idle.keys()].sort(),
      status,
      requestMs: Math.round(requestMs * 10) / 10,
    };
  } finally {
    session.disconnect();
    await app.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(path: RequestPath): void {
  console.log(`REST sign (HTTP ${path.status}, ${path.requestMs} ms) on embedded defaults in ${relative(process.cwd(), path.root) || '.'}`);
  for (const [folder, files] of Object.entries(path.byFolder)) {
    console.log(`  ${folder}/ (${files.length})`);
    for (const f of files) console.log(`    ${f.slice(folder === '.' ? 0 : folder.length + 1)}`);
  }
  console.log(`files: ${path.files.length}`);
  if (path.background.length) console.log(`not counted (ran on timers, also in the idle window): ${path.background.join(', ')}`);
  console.log(`idle window (no request): ${path.idle.length ? path.idle.join(', ') : 'nothing ran'}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      warmup: { type: 'string', default: '20' },
      root: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const path = await measureRequestPath({ root: values.root, warmup: Number(values.warmup), dataDir: values['data-dir'] });
  if (values.json) console.log(JSON.stringify(path, null, 2));
  else print(path);
  // pools and sockets of libraries that outlive close() must not keep a bench run alive
  process.exit(0);
}
