/**
 * Compiles the client workspace package (packages/client → packages/client/dist: the service's CLI
 * imports it) and src/ to dist/ with the TypeScript compiler (incremental: .tsbuildinfo), then stamps
 * dist/.build-stamp; builds the audit console (console/, with Vite) into dist/console and stamps
 * dist/console/.build-stamp. With --if-stale each is built only when one of its sources is newer
 * than its stamp, so `npm ci` (prepare) builds once and `npm start` starts at once afterwards.
 *   node scripts/build.mjs [--if-stale]
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');
export const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What the compiled output depends on. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'packages/client/src', 'packages/client/tsconfig.json'];
/** TypeScript projects in build order: the client first, as src/cli imports it. */
const PROJECTS = ['packages/client/tsconfig.json', 'tsconfig.build.json'];
/** What the console's bundle depends on: its sources and the core code it bundles for the browser verifier. */
const CONSOLE_INPUTS = ['console', 'src/core', 'src/cli/documents.ts', 'src/ports', 'package-lock.json'];
const CONSOLE_OUT = join('dist', 'console');

/** The newest input file and its modification time (ms). */
export function newestInput(root = ROOT, inputs = INPUTS) {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (stat.mtimeMs > newest.mtimeMs) {
      newest = { file: relative(root, path), mtimeMs: stat.mtimeMs };
    }
  };
  for (const input of inputs) visit(join(root, input));
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function staleReason(root = ROOT) {
  const stamp = statSync(join(root, 'dist', '.build-stamp'), { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(root, 'dist', 'main.js'))) return 'no build yet';
  const newest = newestInput(root);
  return newest.mtimeMs > stamp.mtimeMs ? `${newest.file} changed` : undefined;
}

/** Why dist/console must be rebuilt, or undefined when it is up to date. */
export function consoleStaleReason(root = ROOT) {
  const stamp = statSync(join(root, CONSOLE_OUT, '.build-stamp'), { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(root, CONSOLE_OUT, 'index.html'))) return 'no build yet';
  const newest = newestInput(root, CONSOLE_INPUTS);
  return newest.mtimeMs > stamp.mtimeMs ? `${newest.file} changed` : undefined;
}

/**
 * Runs a build tool as a child process and stamps its output; SIGTERM and SIGINT are passed on to
 * it (the caller's own process must not leave a compiler running behind it when it is told to stop).
 */
function runTool(root, args, name, stamp) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of ['SIGTERM', 'SIGINT']) process.off(s, forward);
      if (code === 0) {
        if (stamp) writeFileSync(stamp, `${new Date().toISOString()}\n`);
        resolvePromise();
      } else {
        reject(
          Object.assign(new Error(signal ? `${name} stopped by ${signal}` : `${name} failed (exit ${code})`), { exitCode: code ?? 1 }),
        );
      }
    });
  });
}

/** Compiles every TypeScript project in order (the client, then src/ to dist/), then stamps dist/. */
export async function compile(root = ROOT) {
  const tsc = devTool(root, 'typescript/bin/tsc');
  if (!tsc) throw new Error('the TypeScript compiler is not installed: run `npm ci` (with dev dependencies) to build dist/');
  // a copy of the service without packages/ (the npm start test's) uses the client as installed
  const projects = PROJECTS.filter((p) => existsSync(join(root, p)));
  for (const [i, project] of projects.entries()) {
    await runTool(
      root,
      [tsc, '-p', join(root, project)],
      'TypeScript compiler',
      i === projects.length - 1 ? join(root, 'dist', '.build-stamp') : undefined,
    );
  }
}

/** Builds the console (console/vite.config.ts) into dist/console with Vite. */
export function buildConsole(root = ROOT) {
  const vite = devTool(root, 'vite/bin/vite.js');
  if (!vite) return Promise.reject(new Error('Vite is not installed: run `npm ci` (with dev dependencies) to build the console'));
  return runTool(
    root,
    [vite, 'build', '--config', join(root, 'console', 'vite.config.ts')],
    'Vite',
    join(root, CONSOLE_OUT, '.build-stamp'),
  );
}

/**
 * Path of a dev dependency's command (`package/path/in/it.js`), or undefined where dev dependencies
 * were left out (npm ci --omit=dev). Found through package.json: packages need not export their bin.
 */
function devTool(root, entry) {
  const [name, ...rest] = entry.split('/');
  try {
    return join(dirname(createRequire(join(root, 'package.json')).resolve(`${name}/package.json`)), ...rest);
  } catch {
    return undefined;
  }
}

/** Compiles when needed; says why and how long it took, and nothing when dist/ is up to date. */
export async function buildIfStale(root = ROOT, log = (line) => console.error(line)) {
  if (!existsSync(join(root, 'src'))) {
    // an image build installs dependencies before it copies the sources, then compiles itself
    log('afdp-notary: no src/ here yet: nothing to compile');
    return false;
  }
  const compiled = await compileIfStale(root, log);
  const bundled = await buildConsoleIfStale(root, log);
  return compiled || bundled;
}

async function compileIfStale(root, log) {
  const reason = staleReason(root);
  if (!reason) return false;
  if (!devTool(root, 'typescript/bin/tsc') && existsSync(join(root, 'dist', 'main.js'))) {
    log(`afdp-notary: ${reason} but TypeScript is not installed (npm ci --omit=dev?): running dist/ as built`);
    return false;
  }
  log(`afdp-notary: compiling TypeScript to dist/ (${reason}) …`);
  const started = Date.now();
  await compile(root);
  log(`afdp-notary: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

async function buildConsoleIfStale(root, log) {
  if (!existsSync(join(root, 'console'))) return false; // e.g. a copy of the service without the console's sources
  const reason = consoleStaleReason(root);
  if (!reason) return false;
  if (!devTool(root, 'vite/bin/vite.js')) {
    // the service still runs; /console says the console is not built
    log(
      `afdp-notary: the console needs a build (${reason}) but Vite is not installed (npm ci --omit=dev?): ${existsSync(join(root, CONSOLE_OUT, 'index.html')) ? 'serving it as built' : '/console is unavailable'}`,
    );
    return false;
  }
  log(`afdp-notary: building the console into dist/console (${reason}) …`);
  const started = Date.now();
  await buildConsole(root);
  log(`afdp-notary: console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * node_modules/.bin/afdp-notary → dist/cli/afdp-notary.js. npm links the bins of dependencies, not
 * the project's own, and pipeline steps in a checkout call the CLI from there (or with
 * `npx --no-install afdp-notary`, which finds the project's own bin). Only in this checkout's own
 * node_modules: a copy that borrows another checkout's node_modules links nothing.
 */
export function linkCheckoutBin(root = ROOT) {
  const binDir = join(root, 'node_modules', '.bin');
  const target = join(root, 'dist', 'cli', 'afdp-notary.js');
  if (!existsSync(binDir) || !existsSync(target) || realpathSync(binDir) !== join(realpathSync(root), 'node_modules', '.bin')) return;
  chmodSync(target, 0o755);
  const link = join(binDir, 'afdp-notary');
  rmSync(link, { force: true });
  symlinkSync(relative(binDir, target), link);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifStale = process.argv.includes('--if-stale');
  (ifStale ? buildIfStale() : compile().then(() => buildConsole()))
    .then(() => linkCheckoutBin())
    .catch((err) => {
      console.error(`afdp-notary: ${err.message}`);
      process.exit(err.exitCode ?? 1);
    });
}
