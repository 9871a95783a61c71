/**
 * CPU per RFC 8785 canonicalization of the shared evidence fixtures: the `canonicalize` package
 * against src/core/canonical-json.ts, interleaved round by round (process.cpuUsage, µs per document,
 * medians), after checking both give the same text.
 *   npx tsx bench/canonical-json-cost.ts [--rounds 7] [--iterations 5000]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../src/core/canonical-json.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, iterations: { type: 'string', default: '5000' } },
});
const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/evidence');
const docs: unknown[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')));
for (const d of docs) if (canonicalJson(d) !== canonicalize(d)) throw new Error('the two canonical forms differ');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const contenders = { canonicalize: (d: unknown) => canonicalize(d), canonicalJson: (d: unknown) => canonicalJson(d) };
const times: Record<string, number[]> = { canonicalize: [], canonicalJson: [] };
const n = Number(args.iterations);
let sink = 0;
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, f] of Object.entries(contenders)) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) sink += f(docs[i % docs.length])!.length;
    const used = process.cpuUsage(start);
    times[name]!.push((used.user + used.system) / n);
  }
}
console.log(`${docs.length} fixtures, ${args.rounds} interleaved rounds of ${n} (checksum ${sink % 997})`);
for (const [name, us] of Object.entries(times))
  console.log(`${name}: median ${median(us).toFixed(1)} µs/doc (${us.map((u) => u.toFixed(1)).join(', ')})`);
