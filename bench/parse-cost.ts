/**
 * What the strict I-JSON parser costs next to JSON.parse: each shared fixture, wrapped as a sign
 * request body, parsed from raw bytes `--iterations` times per run; prints the median microseconds
 * per parse over `--runs` runs.
 *   npx tsx bench/parse-cost.ts [--runs 7] [--iterations 20000]
 */
import { parseArgs } from 'node:util';
import { parseIJson } from '../src/core/ijson.js';
import { DEFAULT_LIMITS, parseDepth } from '../src/core/limits.js';
import { fixtures } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, iterations: { type: 'string', default: '20000' } },
});
const runs = Number(args.runs),
  iterations = Number(args.iterations);
const maxDepth = parseDepth(DEFAULT_LIMITS);

function perParse(fn: () => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

for (const [name, pkg] of Object.entries(fixtures())) {
  const body = Buffer.from(JSON.stringify({ evidence_package: pkg }));
  const native: number[] = [];
  const strict: number[] = [];
  for (let r = 0; r < runs; r++) {
    native.push(perParse(() => JSON.parse(body.toString('utf8'))));
    strict.push(perParse(() => parseIJson(body, { maxDepth })));
  }
  console.log(
    `${name} (${body.length} B): JSON.parse ${median(native).toFixed(1)} µs, parseIJson ${median(strict).toFixed(1)} µs (medians of ${runs} runs × ${iterations})`,
  );
}
