/** What the evidence-at-rest tests search for: a marker in a package, and in raw file bytes. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { uniquePackage } from './records.js';

/**
 * A package small enough to stay uncompressed in its heap row: PostgreSQL compresses (pglz) a
 * row over ~2 KB, which would hide a clear-text marker from a byte search and make the check empty.
 */
export function smallPackage(marker: string) {
  const base = uniquePackage(marker);
  return {
    spec_version: base.spec_version,
    timestamp_utc: base.timestamp_utc,
    event_type: base.event_type,
    actor: base.actor,
    artifacts: base.artifacts.slice(0, 1),
    metadata: { diagnosis: marker },
  };
}

/** Every file under `dir` that holds `needle` in its raw bytes. */
export function filesHolding(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue; // removed while walking (a WAL segment recycled)
      if (s.isDirectory()) walk(p);
      else if (s.isFile() && readFileSync(p).includes(bytes)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
