/**
 * Where a notarization batch's database time goes: each statement of the one-round-trip batch
 * (evidence, workflows, signatures, log leaves, checkpoint, anchors) timed on its own, in the embedded PostgreSQL
 * (or PostgreSQL with --database-url). Prints the median milliseconds per batch of each.
 *   npx tsx bench/statement-cost.ts [--batches 60] [--batch-size 64] [--database-url URL]
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { migrate } from '../src/adapters/store/migrate.js';

import { anchorRowsStatement, notarizationStatements } from '../src/adapters/store/writes.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { createDatabase } from '../test/support/postgres-server.js';
import { record, uniquePackage } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '60' },
    'batch-size': { type: 'string', default: '64' },
    'database-url': { type: 'string' },
  },
});
const batches = Number(args.batches),
  size = Number(args['batch-size']);
const server = args['database-url'];
const { db, close: closeDb } = await benchDatabase(server ? await createDatabase(server, `stmtcost_${Date.now()}`) : undefined);
await migrate(db, join(import.meta.dirname, '../migrations'));
const log = await EmbeddedLog.open({
  db,
  key: await loadOrCreateLogKey(db, randomBytes(32)),
  origin: 'bench/log',
  url: 'http://bench',
  exclusive: true,
});
const NAMES = ['evidence', 'workflows', 'signatures', 'log leaves', 'checkpoint', 'anchors'];
const cost: Record<string, number[]> = {};
let n = 0;
for (let b = 0; b < batches; b++) {
  const batch = Array.from({ length: size }, () => record(uniquePackage(`stmt-cost-${n++}`)));
  await log.atomically(async (plan) => {
    const { results: entries, statements } = await plan(
      undefined,
      batch.map((r) => ({ digestHex: r.evidence.hashHex, signature: r.signature.signature, publicKeyPem: r.signature.publicKeyPem })),
      [],
    );
    const all = [
      ...notarizationStatements(batch, true),
      ...statements,
      anchorRowsStatement(batch.map((r, i) => ({ workflowId: r.workflow.id, anchor: { entry: entries[i]!, logUrl: 'http://bench' } }))),
    ];
    await db.transaction(async (tx) => {
      for (const [i, s] of all.entries()) {
        const t = performance.now();
        await tx.query(s.text, s.params);
        (cost[NAMES[i]!] ??= []).push(performance.now() - t);
      }
    });
  });
}
await closeDb();
const warm = Math.min(10, batches >> 2); // the first batches pay for caches and plans
console.log(`${server ? 'postgres' : 'embedded PostgreSQL'}, ${size} per batch, median of ${batches - warm}:`);
let total = 0;
for (const [name, xs] of Object.entries(cost)) {
  const ms = median(xs.slice(warm));
  total += ms;
  console.log(`  ${name.padEnd(11)} ${ms.toFixed(2).padStart(6)} ms  (${Math.round((ms * 1000) / size)} µs per notarization)`);
}
console.log(`  ${'all'.padEnd(11)} ${total.toFixed(2).padStart(6)} ms  (${Math.round((total * 1000) / size)} µs per notarization)`);
