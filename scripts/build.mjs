/**
 * Compiles the client workspace package (packages/client → packages/client/dist: the service's CLI
 * imports it) and src/ to dist/ with the TypeScript compiler (incremental: .tsbuildinfo), then stamps
 * dist/.build-stamp. With --if-stale it compiles only when a source is newer than the stamp, so
 * `npm ci` (prepare) builds once and `npm start` starts at once afterwards.
 *   node scripts/build.mjs [--if-stale]
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');
export const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What the compiled output depends on. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'packages/client/src', 'packages/client/tsconfig.json'];
/** TypeScript projects in build order: the client first, as src/cli imports it. */
const PROJECTS = ['packages/client/tsconfig.json', 'tsconfig.build.json'];

/** The newest input file and its modification time (ms). */
export function newestInput(root = ROOT) {
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
  for (const input of INPUTS) visit(join(root, input));
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function staleReason(root = ROOT) {
  const stamp = statSync(join(root, 'dist', '.build-stamp'), { throwIfNoEntry: false });
  if (!stamp || !existsSync(join(root, 'dist', 'main.js'))) return 'no build yet';
  const newest = newestInput(root);
  return newest.mtimeMs > stamp.mtimeMs ? `${newest.file} changed` : undefined;
}

/** Compiles every project in order, then stamps dist/. */
export async function compile(root = ROOT) {
  const tsc = typescriptCompiler(root);
  if (!tsc) throw new Error('the TypeScript compiler is not installed: run `npm ci` (with dev dependencies) to build dist/');
  // a copy of the service without packages/ (the npm start test's) uses the client as installed
  for (const project of PROJECTS.filter((p) => existsSync(join(root, p)))) await runTsc(root, tsc, project);
  writeFileSync(join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
}

/**
 * Runs tsc as a child process, passing SIGTERM/SIGINT on to it (the caller's own process must not
 * leave a compiler running behind it when it is told to stop).
 */
function runTsc(root, tsc, project) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', join(root, project)], { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of ['SIGTERM', 'SIGINT']) process.off(s, forward);
      if (code === 0) {
        resolvePromise();
      } else {
        reject(Object.assign(new Error(signal ? `TypeScript compiler stopped by ${signal}` : `TypeScript compiler failed (exit ${code})`), { exitCode: code ?? 1 }));
      }
    });
  });
}

/** Path of tsc, or undefined where dev dependencies were left out (npm ci --omit=dev). */
function typescriptCompiler(root) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
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
  const reason = staleReason(root);
  if (!reason) return false;
  if (!typescriptCompiler(root) && existsSync(join(root, 'dist', 'main.js'))) {
    log(`afdp-notary: ${reason} but TypeScript is not installed (npm ci --omit=dev?): running dist/ as built`);
    return false;
  }
  log(`afdp-notary: compiling TypeScript to dist/ (${reason}) …`);
  const started = Date.now();
  await compile(root);
  log(`afdp-notary: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
  (ifStale ? buildIfStale() : compile()).then(() => linkCheckoutBin()).catch((err) => {
    console.error(`afdp-notary: ${err.message}`);
    process.exit(err.exitCode ?? 1);
  });
}
