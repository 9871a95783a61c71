/**
 * What the retired-KEK guard (migration 013: a trigger on evidence refusing bodies wrapped by a
 * retired KEK version) adds to the evidence INSERT of a group-commit batch: sealed 64-row batches,
 * alternately with the trigger enabled and disabled, in the embedded PostgreSQL (or --database-url).
 *   npx tsx bench/kek-guard-cost.ts [--batches 60] [--batch-size 64] [--database-url URL]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { LocalEvidenceCipher } from '../src/adapters/signer/local/evidence-cipher.js';
import { migrate } from '../src/adapters/store/migrate.js';
import { notarizationStatements, withBody } from '../src/adapters/store/writes.js';
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
const cipher = new LocalEvidenceCipher({ dir: mkdtempSync(join(tmpdir(), 'kek-guard-bench-')) });
const server = args['database-url'];
const { db, close } = await benchDatabase(server ? await createDatabase(server, `kekguard_${Date.now()}`) : undefined);
await migrate(db, join(import.meta.dirname, '../migrations'));
await db.query("INSERT INTO evidence_kek_retired (kek_id, version) VALUES ('afdp-evidence-kek', 0)"); // the guard has something to look up
const cost: Record<'guarded' | 'unguarded', number[]> = { guarded: [], unguarded: [] };
let n = 0;
for (let b = 0; b < batches; b++) {
  for (const mode of (b % 2 ? ['guarded', 'unguarded'] : ['unguarded', 'guarded']) as ('guarded' | 'unguarded')[]) {
    await db.query(`ALTER TABLE evidence ${mode === 'guarded' ? 'ENABLE' : 'DISABLE'} TRIGGER evidence_kek_live`);
    const [evidence] = notarizationStatements(
      await Promise.all(Array.from({ length: size }, () => withBody(record(uniquePackage(`kek-guard-${n++}`)), cipher))),
      true,
    );
    const t = performance.now();
    await db.query(evidence!.text, evidence!.params);
    cost[mode].push(performance.now() - t);
  }
}
await close();
const warm = Math.min(10, batches >> 2);
for (const [mode, xs] of Object.entries(cost))
  console.log(
    `evidence INSERT of ${size} sealed rows, ${mode}: median ${median(xs.slice(warm)).toFixed(2)} ms (${batches - warm} batches)`,
  );
