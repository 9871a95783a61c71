/**
 * What AFDP's `total_count` costs: GET /api/v1/workflows (PgEvidenceStore.listWorkflows: one page
 * plus the count of every match) against the page alone, with 1 k and 1 M notarizations stored
 * (prefilled in SQL). Medians of `--runs` calls per case, on the embedded PostgreSQL.
 *
 *   npx tsx bench/list-workflows.ts [--rows 1000,1000000] [--runs 21]
 */
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PgEvidenceStore } from '../src/adapters/store/pg-evidence-store.js';
import type { WorkflowQuery } from '../src/ports/evidence-store.js';
import { benchDatabase } from './bench-db.js';
import { prefill } from './prefill.js';
import { median } from './stats.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000,1000000' }, runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm the plan and the cache
  const took: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    took.push(performance.now() - t0);
  }
  return median(took);
}

for (const rows of values.rows.split(',').map(Number)) {
  const dataDir = mkdtempSync(join(tmpdir(), 'notary-bench-list-'));
  chmodSync(dataDir, 0o711);
  const t0 = performance.now();
  await prefill({ NOTARY_DATA_DIR: dataDir }, rows);
  const filled = (performance.now() - t0) / 1000;
  const { db, close } = await benchDatabase(undefined, dataDir);
  try {
    // as autovacuum leaves a table that is not being written: visibility map set, so counts can be index-only
    await db.query('VACUUM ANALYZE workflows');
    await db.query('ANALYZE');
    const store = new PgEvidenceStore(db);
    const cases: [string, WorkflowQuery][] = [
      ['no filter', { pageSize: 20 }],
      ['status_filter=completed', { pageSize: 20, status: 'completed' }],
      ['start_time = last hour', { pageSize: 20, startTime: new Date(Date.now() - 3600_000).toISOString() }],
    ];
    for (const [name, q] of cases) {
      const withCount = await time(() => store.listWorkflows(q));
      const where = q.status ? 'WHERE w.status = $1' : q.startTime ? 'WHERE w.created_at >= $1' : '';
      const params = q.status ? [q.status] : q.startTime ? [q.startTime] : [];
      const pageOnly = await time(() =>
        db.query(
          `SELECT w.*, e.event_type, e.actor_id FROM workflows w LEFT JOIN evidence e ON e.hash = w.evidence_hash
        ${where} ORDER BY w.created_at DESC, w.id DESC LIMIT ${q.pageSize + 1}`,
          params,
        ),
      );
      const total = (await store.listWorkflows(q)).totalCount;
      console.log(
        `${rows} rows (prefill ${filled.toFixed(0)} s) | ${name} | total_count ${total} | page+count ${withCount.toFixed(1)} ms | page alone ${pageOnly.toFixed(1)} ms`,
      );
    }
  } finally {
    await close();
  }
}
