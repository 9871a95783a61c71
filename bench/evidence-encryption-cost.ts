/**
 * What encryption at rest (issue 22) costs a notarization: sealing a body (a fresh data key, two
 * AES-256-GCM operations) and opening it, per fixture package; and the evidence INSERT of a
 * group-commit batch with bodies in clear vs sealed, in the embedded PostgreSQL (or --database-url).
 * Prints medians.
 *   npx tsx bench/evidence-encryption-cost.ts [--rounds 20000] [--batches 60] [--batch-size 64] [--database-url URL]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { LocalEvidenceCipher } from '../src/adapters/signer/local/evidence-cipher.js';
import { migrate } from '../src/adapters/store/migrate.js';
import { notarizationStatements, withBody } from '../src/adapters/store/writes.js';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { prepareEvidence } from '../src/core/validate-evidence.js';
import { createDatabase } from '../test/support/postgres-server.js';
import { fixtures, record, uniquePackage } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20000' },
    batches: { type: 'string', default: '60' },
    'batch-size': { type: 'string', default: '64' },
    'database-url': { type: 'string' },
  },
});
const rounds = Number(args.rounds),
  batches = Number(args.batches),
  size = Number(args['batch-size']);
const cipher = new LocalEvidenceCipher({ dir: mkdtempSync(join(tmpdir(), 'enc-bench-')) });

console.log('seal / open per package (median of 5 runs of', rounds, 'each):');
for (const [name, pkg] of Object.entries(fixtures())) {
  const e = prepareEvidence(pkg, DEFAULT_LIMITS);
  const sealUs: number[] = [],
    openUs: number[] = [];
  for (let run = 0; run < 5; run++) {
    let t = performance.now();
    let sealed = await cipher.seal(e.hashHex, e.canonical);
    for (let i = 0; i < rounds; i++) sealed = await cipher.seal(e.hashHex, e.canonical);
    sealUs.push(((performance.now() - t) * 1000) / rounds);
    t = performance.now();
    for (let i = 0; i < rounds; i++) await cipher.open(e.hashHex, sealed);
    openUs.push(((performance.now() - t) * 1000) / rounds);
  }
  console.log(
    `  ${name.padEnd(36)} ${String(e.canonical.length).padStart(5)} B  seal ${median(sealUs).toFixed(1)} µs  open ${median(openUs).toFixed(1)} µs`,
  );
}

const server = args['database-url'];
const { db, close } = await benchDatabase(server ? await createDatabase(server, `enccost_${Date.now()}`) : undefined);
await migrate(db, join(import.meta.dirname, '../migrations'));
const cost: Record<'clear' | 'sealed', number[]> = { clear: [], sealed: [] };
let n = 0;
for (let b = 0; b < batches; b++) {
  for (const mode of (b % 2 ? ['clear', 'sealed'] : ['sealed', 'clear']) as ('clear' | 'sealed')[]) {
    const batch = Array.from({ length: size }, () => record(uniquePackage(`enc-cost-${n++}`)));
    const t = performance.now();
    const bodied = await Promise.all(batch.map((r) => withBody(r, mode === 'sealed' ? cipher : undefined)));
    const [evidence] = notarizationStatements(bodied, true); // sealing is inside the measured time
    await db.query(evidence!.text, evidence!.params);
    cost[mode].push(performance.now() - t);
  }
}
await close();
const warm = Math.min(10, batches >> 2);
console.log(`evidence INSERT, ${server ? 'postgres' : 'embedded PostgreSQL'}, ${size} per batch, median of ${batches - warm}:`);
for (const [mode, xs] of Object.entries(cost)) {
  const ms = median(xs.slice(warm));
  console.log(`  ${mode.padEnd(7)} ${ms.toFixed(2).padStart(6)} ms  (${Math.round((ms * 1000) / size)} µs per notarization)`);
}
