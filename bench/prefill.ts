import { join } from 'node:path';
import { benchDatabase } from './bench-db.js';
import { migrate } from '../src/adapters/store/migrate.js';
import type { SqlClient } from '../src/adapters/db/sql-client.js';
import { checkpointKeyName, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { loadConfig } from '../src/config.js';
import { RootBuilder } from '../src/core/merkle/index.js';
import { signCheckpoint } from '../src/core/transparency/index.js';
import { keyEncryptionKey } from '../src/wiring/transparency.js';

const MIGRATIONS = join(import.meta.dirname, '../migrations');
const CHUNK = 50_000;

/**
 * Stores `rows` notarizations before a run, so throughput can be compared at 1 k and 1 M stored
 * rows. Written in SQL (generate_series) because the service itself would take ~15 min per
 * million. Every table a notarization touches gets a row of the real size (evidence ~2 KB,
 * anchor entry ~2.5 KB, log leaf ~0.7 KB) and real index keys; the contents are not signed data,
 * except the log's: the service checks its log at start (every leaf hash against its body, the
 * tree against the latest signed checkpoint) and refuses to sign over a log that fails, so the
 * leaves are hashed as RFC 6962 leaves and the checkpoint is signed with the log's own key (made
 * here, sealed as the service will look for it). `serviceEnv` is the environment the service will
 * run with: its data folder, database and keyring.
 */
export async function prefill(serviceEnv: Record<string, string>, rows: number): Promise<void> {
  const config = loadConfig(serviceEnv);
  const { db, close } = await benchDatabase(config.databaseUrl, config.dataDir);
  try {
    await migrate(db, MIGRATIONS);
    for (let from = 0; from < rows; from += CHUNK) {
      await db.batch(statements(from, Math.min(rows, from + CHUNK) - 1, rows));
    }
    await signLog(db, config);
    // a database that grew to this size in service was vacuumed and analyzed as it grew; one filled in
    // a minute would have autovacuum work through it during the measured load, and that is not a cost
    // of storing more rows
    await db.query('VACUUM ANALYZE');
  } finally {
    await close();
  }
}

/** The checkpoint over every stored leaf, signed as the embedded log signs its own. */
async function signLog(db: SqlClient, config: ReturnType<typeof loadConfig>): Promise<void> {
  const key = await loadOrCreateLogKey(db, keyEncryptionKey(config));
  const tree = new RootBuilder();
  for (;;) {
    const { rows } = await db.query<{ leaf_hash: string }>('SELECT leaf_hash FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2', [
      tree.size,
      CHUNK,
    ]);
    for (const r of rows) tree.push(Buffer.from(r.leaf_hash, 'hex'));
    if (rows.length < CHUNK) break;
  }
  const root = tree.root();
  const name = checkpointKeyName(config.logOrigin);
  const note = signCheckpoint(
    { origin: config.logOrigin, size: tree.size, rootHash: root, otherContent: [] },
    { name, privateKey: key.privateKey },
    { name, privateKey: key.noteKey.privateKey },
  );
  await db.query('INSERT INTO log_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)', [tree.size, root.toString('hex'), note]);
}

function statements(from: number, to: number, total: number) {
  const series = `FROM generate_series(${from}, ${to}) AS i`;
  const at = `now() - make_interval(secs => ${total} - i)`;
  const wf = `md5('w' || i)::uuid`;
  const leafBody = `'{"bench_prefill":' || i || ',"pad":"' || repeat('b', 680) || '"}'`;
  return [
    `INSERT INTO evidence (hash, canonical, event_type, actor_id, actor_type, artifact_hashes, timestamp_utc, created_at)
     SELECT encode(sha256(('e' || i)::bytea), 'hex'), '{"bench_prefill":' || i || ',"pad":"' || repeat('x', 1900) || '"}',
            (ARRAY['model_deployment', 'data_pipeline_run', 'security_scan'])[1 + i % 3], 'actor-' || (i % 500), 'service',
            ARRAY[encode(sha256(('a' || i)::bytea), 'hex')], ${at}, ${at} ${series}`,
    `INSERT INTO workflows (id, type, status, evidence_hash, created_at, updated_at, completed_at)
     SELECT ${wf}, 'simple_sign', 'completed', encode(sha256(('e' || i)::bytea), 'hex'), ${at}, ${at}, ${at} ${series}`,
    `INSERT INTO signatures (workflow_id, key_id, key_version, signature, public_key_pem, signed_at, anchored)
     SELECT ${wf}, 'bench-prefill', 1, repeat('A', 96), repeat('P', 178), ${at}, true ${series}`,
    // an RFC 6962 leaf hash: SHA-256 over 0x00 and the body
    `INSERT INTO log_leaves (idx, leaf_hash, body, integrated_time, set_signature)
     SELECT i, encode(sha256('\\x00'::bytea || convert_to(${leafBody}, 'UTF8')), 'hex'), ${leafBody}, extract(epoch FROM ${at})::bigint, repeat('S', 96) ${series}`,
    `INSERT INTO anchors (workflow_id, log_url, log_id, log_index, entry_uuid, integrated_time, entry)
     SELECT ${wf}, 'http://bench', 'bench-prefill', i, encode(sha256('\\x00'::bytea || convert_to(${leafBody}, 'UTF8')), 'hex'), extract(epoch FROM ${at})::bigint, repeat('e', 2500) ${series}`,
  ].map((text) => ({ text, params: [] }));
}
