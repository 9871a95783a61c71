import { join } from 'node:path';
import { benchDatabase } from './bench-db.js';
import { migrate } from '../src/adapters/store/migrate.js';

const MIGRATIONS = join(import.meta.dirname, '../migrations');
const CHUNK = 50_000;

/**
 * Stores `rows` notarizations before a run, so throughput can be compared at 1 k and 1 M stored
 * rows. Written in SQL (generate_series) because the service itself would take ~15 min per
 * million. Every table a notarization touches gets a row of the real size (evidence ~2 KB,
 * anchor entry ~2.5 KB, log leaf ~0.7 KB) and real index keys; the contents are not signed data.
 */
export async function prefill(target: { dataDir: string } | { databaseUrl: string }, rows: number): Promise<void> {
  const { db, close } = await benchDatabase(
    'databaseUrl' in target ? target.databaseUrl : undefined,
    'dataDir' in target ? target.dataDir : undefined,
  );
  try {
    await migrate(db, MIGRATIONS);
    for (let from = 0; from < rows; from += CHUNK) {
      await db.batch(statements(from, Math.min(rows, from + CHUNK) - 1, rows));
    }
  } finally {
    await close();
  }
}

function statements(from: number, to: number, total: number) {
  const series = `FROM generate_series(${from}, ${to}) AS i`;
  const at = `now() - make_interval(secs => ${total} - i)`;
  const wf = `md5('w' || i)::uuid`;
  return [
    `INSERT INTO evidence (hash, canonical, event_type, actor_id, actor_type, artifact_hashes, timestamp_utc, created_at)
     SELECT encode(sha256(('e' || i)::bytea), 'hex'), '{"bench_prefill":' || i || ',"pad":"' || repeat('x', 1900) || '"}',
            (ARRAY['model_deployment', 'data_pipeline_run', 'security_scan'])[1 + i % 3], 'actor-' || (i % 500), 'service',
            ARRAY[encode(sha256(('a' || i)::bytea), 'hex')], ${at}, ${at} ${series}`,
    `INSERT INTO workflows (id, type, status, evidence_hash, created_at, updated_at, completed_at)
     SELECT ${wf}, 'simple_sign', 'completed', encode(sha256(('e' || i)::bytea), 'hex'), ${at}, ${at}, ${at} ${series}`,
    `INSERT INTO signatures (workflow_id, key_id, key_version, signature, public_key_pem, signed_at, anchored)
     SELECT ${wf}, 'bench-prefill', 1, repeat('A', 96), repeat('P', 178), ${at}, true ${series}`,
    `INSERT INTO log_leaves (idx, leaf_hash, body, integrated_time, set_signature)
     SELECT i, encode(sha256(('l' || i)::bytea), 'hex'), repeat('b', 700), extract(epoch FROM ${at})::bigint, repeat('S', 96) ${series}`,
    `INSERT INTO anchors (workflow_id, log_url, log_id, log_index, entry_uuid, integrated_time, entry)
     SELECT ${wf}, 'http://bench', 'bench-prefill', i, encode(sha256(('l' || i)::bytea), 'hex'), extract(epoch FROM ${at})::bigint, repeat('e', 2500) ${series}`,
  ].map((text) => ({ text, params: [] }));
}
