/**
 * The client package is installable on its own: every package its build imports (the client's code
 * and the service's verifier sources compiled into it) is one of its own dependencies, not one that
 * only happens to be hoisted from the service's. A verifier change that adds an import fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLIENT = join(import.meta.dirname, '../../packages/client');

describe('@afdp-notary/client manifest', () => {
  it('declares every package its built code imports', () => {
    const dist = join(CLIENT, 'dist');
    const files = readdirSync(dist, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.js'))
      .map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(10);
    const imported = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'".][^'"]*)['"]|import\(['"]([^'".][^'"]*)['"]\)/g,
      )) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    const declared = Object.keys(JSON.parse(readFileSync(join(CLIENT, 'package.json'), 'utf8')).dependencies);
    expect([...imported].sort()).toEqual(declared.sort());
  });
});
