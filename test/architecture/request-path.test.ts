import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDataDir } from '../support/databases.js';
import type { RequestPath } from '../../bench/request-path.js';

/**
 * Issue #19: a REST sign passes through fewer files, with no store→log→store bounce. The count is
 * bench/request-path.ts's (V8 precise coverage of one warm sign over real HTTP on embedded
 * defaults), run as its own process so nothing of vitest's is counted. 61 files on main before the
 * folds of this change, 57 before the #19 work; a new layer on the path must lower it elsewhere.
 */
const MAX_FILES = 52;

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const isStore = (file: string) => file.startsWith('adapters/store/');
const isLog = (file: string) => file.startsWith('adapters/translog/');

/** Relative imports of a src file (value and type), as files relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'/g)) {
    const spec = (m[1] ?? m[2])!.replace(/\.js$/, '.ts');
    const target = resolve(dirname(join(SRC, file)), spec);
    const path = existsSync(target) ? target : join(target.replace(/\.ts$/, ''), 'index.ts');
    out.push(relative(SRC, path));
  }
  return out;
}

describe('the REST sign request path', () => {
  let path: RequestPath;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = seededDataDir();
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'bench/request-path.ts'), '--json', '--data-dir', dataDir],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    path = JSON.parse(stdout) as RequestPath;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`passes through at most ${MAX_FILES} src files`, () => {
    expect(path.status).toBe(200);
    // the request itself ran the core, the door and both adapters (the count is not of an empty path)
    expect(path.files).toEqual(
      expect.arrayContaining(['core/notary.ts', 'api/rest/routes/evidence.ts', 'adapters/store/pg-evidence-store.ts']),
    );
    expect(path.files.find(isLog)).toBeDefined();
    expect(path.files.length, path.files.join('\n')).toBeLessThanOrEqual(MAX_FILES);
  });

  it('has no store→log→store bounce: no store file on the path imports a log file, nor a log file a store file', () => {
    // store and log meet only through the core's ports and the database layer (adapters/db)
    const crossings = path.files.flatMap((file) =>
      importsOf(file)
        .filter((target) => (isStore(file) && isLog(target)) || (isLog(file) && isStore(target)))
        .map((target) => `${file} → ${target}`),
    );
    expect(crossings).toEqual([]);
  });
});
