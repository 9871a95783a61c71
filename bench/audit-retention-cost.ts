/**
 * What audit-row retention (issue 22) costs: an audit chain of --rows rows with a signed, anchored
 * head every --anchor-every rows (embedded log, local keyring), then one purge of every row but the
 * newest head's successors (the rows are checked, a start is signed and logged, the rows deleted
 * through the append-only trigger in rounds of 10,000), and `audit verify`'s walk before and after.
 * In the embedded PostgreSQL (or --database-url). Run it several times and quote medians.
 *   npx tsx bench/audit-retention-cost.ts [--rows 100000] [--anchor-every 10000] [--database-url URL]
 */
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { AuditChainWriter } from '../src/adapters/audit/chain-writer.js';
import { anchorAuditHead } from '../src/adapters/audit/head-anchors.js';
import { purgeExpiredAuditRows } from '../src/adapters/audit/retention.js';
import { verifyAnchoredAudit } from '../src/adapters/audit/verify-anchored.js';
import { LocalKeyringSigner } from '../src/adapters/signer/local/index.js';
import { migrate } from '../src/adapters/store/migrate.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { createDatabase } from '../test/support/postgres-server.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'anchor-every': { type: 'string', default: '10000' },
    'database-url': { type: 'string' },
  },
});
const rows = Number(args.rows),
  every = Number(args['anchor-every']);
const server = args['database-url'];
const { db, close } = await benchDatabase(server ? await createDatabase(server, `auditret_${Date.now()}`) : undefined);
await migrate(db, join(import.meta.dirname, '../migrations'));
const log = await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, randomBytes(32)), origin: 'bench/log', url: 'http://bench' });
const signer = new LocalKeyringSigner({ dir: mkdtempSync(join(tmpdir(), 'audit-ret-bench-')) });
const chain = new AuditChainWriter(db);

let t = performance.now();
for (let n = 0; n < rows; n += 1000) {
  await chain.append(
    Array.from({ length: Math.min(1000, rows - n) }, (_, i) => ({
      event: 'evidence.created',
      outcome: 'success' as const,
      principal: 'api_key:bench',
      details: { evidence_hash: randomBytes(32).toString('hex'), n: n + i },
    })),
  );
  if ((n + 1000) % every === 0) await anchorAuditHead(db, signer, log);
}
await anchorAuditHead(db, signer, log);
console.log(`filled ${rows} audit rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

t = performance.now();
const before = await verifyAnchoredAudit(db);
const verifyBefore = performance.now() - t;
t = performance.now();
const purge = await purgeExpiredAuditRows(db, chain, signer, log, { cutoff: new Date(Date.now() + 60_000), retentionDays: 1 });
const purgeMs = performance.now() - t;
t = performance.now();
const after = await verifyAnchoredAudit(db);
const verifyAfter = performance.now() - t;
await close();
console.log(`audit verify (walk + heads), ${before.rows} rows: ${(verifyBefore / 1000).toFixed(2)} s, ok=${before.ok}`);
console.log(
  `purge of ${purge.deleted} rows (check, sign + log the start, delete): ${(purgeMs / 1000).toFixed(2)} s = ${((purgeMs * 1000) / purge.deleted).toFixed(1)} µs per row; first kept seq ${purge.firstSeq}`,
);
console.log(
  `audit verify after the purge, ${after.rows} rows from the start: ${(verifyAfter / 1000).toFixed(2)} s, ok=${after.ok}, chain_start=${JSON.stringify(after.chain_start)}`,
);
