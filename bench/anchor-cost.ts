/**
 * What anchoring adds to a notarization batch: the same 64-item batches are stored with and
 * without the embedded log's integration in the transaction (the embedded PostgreSQL, or an external one with
 * --database-url). Prints median milliseconds per batch.
 *   npx tsx bench/anchor-cost.ts [--batches 40] [--batch-size 64] [--database-url URL]
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { migrate } from '../src/adapters/store/migrate.js';
import { runAll } from '../src/adapters/db/statements.js';
import { anchorRowsStatement, insertNotarizations, notarizationStatements } from '../src/adapters/store/writes.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { createDatabase } from '../test/support/postgres-server.js';
import { record, uniquePackage } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    'batch-size': { type: 'string', default: '64' },
    'database-url': { type: 'string' },
  },
});
const batches = Number(args.batches),
  size = Number(args['batch-size']);
const server = args['database-url'];
const { db, close: closeDb } = await benchDatabase(server ? await createDatabase(server, `anchorcost_${Date.now()}`) : undefined);
await migrate(db, join(import.meta.dirname, '../migrations'));
const log = await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, randomBytes(32)), origin: 'bench/log', url: 'http://bench' });
let n = 0;
const batch = () => Array.from({ length: size }, () => record(uniquePackage(`anchor-cost-${n++}`)));

const storeOnly: number[] = [];
const storeAndAnchor: number[] = [];
for (let i = 0; i < batches; i++) {
  const a = batch();
  let t = performance.now();
  await db.transaction((tx) => insertNotarizations(tx, a));
  storeOnly.push(performance.now() - t);
  const b = batch();
  t = performance.now();
  await log.atomically((plan) =>
    db.transaction(async (tx) => {
      const { results: entries, statements } = await plan(
        tx,
        b.map((r) => ({ digestHex: r.evidence.hashHex, signature: r.signature.signature, publicKeyPem: r.signature.publicKeyPem })),
        [],
      );
      await runAll(tx, [
        ...notarizationStatements(b, true),
        ...statements,
        anchorRowsStatement(b.map((r, j) => ({ workflowId: r.workflow.id, anchor: { entry: entries[j]!, logUrl: 'http://bench' } }))),
      ]);
    }),
  );
  storeAndAnchor.push(performance.now() - t);
}
const [s, sa] = [median(storeOnly), median(storeAndAnchor)];
console.log(
  `${server ? 'postgres' : 'embedded PostgreSQL'}, ${size} per batch, median of ${batches}: store ${s.toFixed(1)} ms, store+anchor ${sa.toFixed(1)} ms, anchoring adds ${(sa - s).toFixed(1)} ms per batch (${(((sa - s) / size) * 1000).toFixed(0)} µs per notarization)`,
);
await closeDb();
