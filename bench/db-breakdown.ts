/**
 * Where the database's work goes per notarization (issue #20). Starts the built service on fresh
 * embedded defaults, drives REST for `--duration` s, and reads from its server what the load
 * cost, divided by the notarizations it completed: transactions, group-commit batches (one log
 * checkpoint each), rows per table, entries per index (rows, the partial predicate's rows, or GIN
 * keys), heap/TOAST/index bytes, WAL bytes, records and full-page images (pg_current_wal_lsn,
 * pg_stat_wal), WAL fsyncs (pg_stat_io), and the database's CPU. `--explain` then loads
 * auto_explain into the service's sessions and prints one batch's plan (ANALYZE, BUFFERS, WAL, triggers).
 * `--stored-rows N` fills the database with N notarizations first (bench/prefill.ts), to see what a
 * large database changes per notarization.
 *   npx tsx bench/db-breakdown.ts [--duration 10] [--connections 64] [--explain] [--stored-rows N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { layout, readPassword, DATABASE, PORT, SUPERUSER } from '../src/adapters/db/embedded/index.js';
import { prefill } from './prefill.js';
import { CpuWindow } from './process-cpu.js';
import { restLoad } from './rest-load.js';
import { startServer } from './server.js';
import { evidencePackages } from './stats.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    explain: { type: 'boolean', default: false },
    'stored-rows': { type: 'string', default: '0' },
  },
});
const packages = evidencePackages();

interface Snapshot {
  lsn: string;
  wal: { wal_records: string; wal_fpi: string; wal_bytes: string };
  walIo: { writes: string | null; fsyncs: string | null };
  commits: string;
  checkpoints: string;
}

async function snapshot(c: pg.Client): Promise<Snapshot> {
  const q = async <T>(sql: string) => (await c.query(sql)).rows[0] as T;
  return {
    lsn: (await q<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).l,
    wal: await q('SELECT wal_records::text, wal_fpi::text, wal_bytes::text FROM pg_stat_wal'),
    walIo: await q("SELECT sum(writes)::text AS writes, sum(fsyncs)::text AS fsyncs FROM pg_stat_io WHERE object = 'wal'"),
    commits: (await q<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()')).n,
    checkpoints: (await q<{ n: string }>('SELECT count(*)::text AS n FROM log_checkpoints')).n,
  };
}

async function main() {
  const seconds = Number(args.duration);
  const storedRows = Number(args['stored-rows']);
  const server = await startServer({}, storedRows > 0 ? (env) => prefill(env, storedRows) : undefined);
  const l = layout(join(server.dataDir, 'pg'));
  const c = new pg.Client({ host: l.socketDir, port: PORT, user: SUPERUSER, password: readPassword(l), database: DATABASE });
  await c.connect();
  try {
    const cpu = new CpuWindow(server.pid);
    const before = await snapshot(c);
    cpu.start();
    const load = await restLoad(server.url, packages, Number(args.connections), seconds);
    const pending = await flushGinPendingLists(c); // deferred index work the load caused: counted in its CPU and WAL
    cpu.stop();
    await c.query('CHECKPOINT'); // sizes below include what is still only in shared buffers
    const after = await snapshot(c);
    const n = load.total;
    const per = (a: string | null, b: string | null) => Math.round(((Number(a) - Number(b)) / n) * 100) / 100;
    const walBytes = Number((await c.query(`SELECT pg_wal_lsn_diff('${after.lsn}', '${before.lsn}')::text AS d`)).rows[0].d);
    console.log(`\n${n} notarizations in ${seconds} s (${load.requestsPerSec}/s, p99 ${load.p99} ms, errors ${load.errors + load.non2xx})`);
    console.table({
      'per notarization': {
        'DB CPU µs': cpu.perOp(n).dbCpuUs,
        transactions: per(after.commits, before.commits),
        'WAL bytes': Math.round(walBytes / n),
        'WAL records': per(after.wal.wal_records, before.wal.wal_records),
        'WAL full-page images': per(after.wal.wal_fpi, before.wal.wal_fpi),
        'WAL fsyncs': per(after.walIo.fsyncs, before.walIo.fsyncs),
      },
    });
    const batches = Number(after.checkpoints) - Number(before.checkpoints);
    console.log(`group-commit batches (log checkpoints): ${batches}, ${(n / batches).toFixed(1)} notarizations each`);
    console.log(`GIN pending-list pages flushed after the load: ${pending}`);
    console.table(await tables(c, n));
    console.table(await indexes(c, n));
    console.table(await wideValues(c));
    if (args.explain) await explainOneBatch(c, server);
  } finally {
    await c.end();
    await server.stop();
  }
}

/**
 * A GIN index with fastupdate (the default) adds a row's keys to a pending list and merges them
 * into the index later (autovacuum, or an insert that finds the list past gin_pending_list_limit,
 * 4 MB: ~12k notarizations). A 10 s load rarely reaches it, so the merge is done here, inside the
 * measured window, or the figures would leave out work the load caused. Returns the pages merged.
 */
async function flushGinPendingLists(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>(`
    SELECT coalesce(sum(gin_clean_pending_list(x.indexrelid)), 0)::text AS n
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
      JOIN pg_namespace s ON s.oid = i.relnamespace WHERE am.amname = 'gin' AND s.nspname = 'public'`);
  return Number(rows[0]!.n);
}

/** Rows inserted and bytes (heap, TOAST) per notarization, per table the load wrote to. */
async function tables(c: pg.Client, n: number) {
  const { rows } = await c.query<{ t: string; ins: string; heap: string; toast: string }>(`
    SELECT s.relname AS t, s.n_tup_ins::text AS ins, pg_relation_size(s.relid)::text AS heap,
           coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::text AS toast
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.n_tup_ins > 0 ORDER BY s.n_tup_ins DESC`);
  return Object.fromEntries(
    rows.map((r) => [
      r.t,
      {
        'rows / notarization': round(Number(r.ins) / n),
        'heap B / notarization': Math.round(Number(r.heap) / n),
        'TOAST B / notarization': Math.round(Number(r.toast) / n),
      },
    ]),
  );
}

/** Entries and bytes per notarization of every index on a table the load wrote to. */
async function indexes(c: pg.Client, n: number) {
  const { rows } = await c.query<{ t: string; i: string; am: string; pred: string | null; cols: string; size: string }>(`
    SELECT t.relname AS t, i.relname AS i, am.amname AS am, pg_get_expr(x.indpred, x.indrelid) AS pred,
           pg_get_indexdef(x.indexrelid) AS cols, pg_relation_size(x.indexrelid)::text AS size
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_am am ON am.oid = i.relam JOIN pg_stat_user_tables s ON s.relid = t.oid
    WHERE s.n_tup_ins > 0 ORDER BY t.relname, i.relname`);
  const out: Record<string, object> = {};
  for (const r of rows) {
    // GIN: one entry per distinct key of the row (the artifact hashes)
    const count =
      r.am === 'gin'
        ? `SELECT coalesce(sum(cardinality(artifact_hashes)), 0) AS n FROM ${r.t}`
        : `SELECT count(*) AS n FROM ${r.t}${r.pred ? ` WHERE ${r.pred}` : ''}`;
    const entries = Number((await c.query<{ n: string }>(count)).rows[0]!.n);
    out[r.i] = {
      table: r.t,
      'entries / notarization': round(entries / n),
      'B / notarization': Math.round(Number(r.size) / n),
      partial: r.pred ?? '',
    };
  }
  return out;
}

/** Text columns of more than 1 KB on average: stored size against raw length, and how many values the server compressed. */
async function wideValues(c: pg.Client) {
  const { rows: cols } = await c.query<{ t: string; col: string }>(`
    SELECT c.table_name AS t, c.column_name AS col FROM information_schema.columns c
    JOIN pg_stat_user_tables s ON s.relname = c.table_name
    WHERE c.table_schema = 'public' AND c.data_type = 'text' AND s.n_tup_ins > 100`);
  const out: Record<string, object> = {};
  for (const { t, col } of cols) {
    const { rows } = await c.query<{ raw: string; stored: string; compressed: string; n: string }>(
      `SELECT avg(octet_length(${col}))::int::text AS raw, avg(pg_column_size(${col}))::int::text AS stored,
              count(*) FILTER (WHERE pg_column_compression(${col}) IS NOT NULL)::text AS compressed, count(${col})::text AS n FROM ${t}`,
    );
    const r = rows[0]!;
    if (Number(r.raw) < 1000) continue;
    out[`${t}.${col}`] = {
      'raw B': Number(r.raw),
      'stored B': Number(r.stored),
      'compressed %': Math.round((Number(r.compressed) / Number(r.n)) * 100),
    };
  }
  return out;
}

/** Loads auto_explain into fresh sessions of the service and prints the plan of the largest batch statement it logged. */
async function explainOneBatch(c: pg.Client, server: { url: string; dataDir: string }) {
  for (const [k, v] of Object.entries({
    session_preload_libraries: 'auto_explain',
    'auto_explain.log_min_duration': '0',
    'auto_explain.log_analyze': 'on',
    'auto_explain.log_buffers': 'on',
    'auto_explain.log_wal': 'on',
    'auto_explain.log_timing': 'on',
    'auto_explain.log_triggers': 'on', // foreign-key checks run as per-row triggers: their time and calls
  }))
    await c.query(`ALTER SYSTEM SET ${k} = '${v}'`);
  await c.query('SELECT pg_reload_conf()');
  // the pool replaces the sessions it loses, and new sessions load auto_explain
  await c.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
  );
  const fresh = packages.map((p) => ({ ...p, metadata: { ...(p.metadata as object), explain: true } }));
  await restLoad(server.url, fresh, Number(args.connections), 2);
  const logDir = join(layout(join(server.dataDir, 'pg')).data, 'log');
  const text = readdirSync(logDir)
    .map((f) => readFileSync(join(logDir, f), 'utf8'))
    .join('\n');
  const plans = text.split(/\n(?=\S.*LOG: {2}duration: )/).filter((p) => p.includes('INSERT INTO log_leaves'));
  const largest = plans.sort((a, b) => (b.match(/\$\d+/g)?.length ?? 0) - (a.match(/\$\d+/g)?.length ?? 0))[0];
  if (!largest) return console.log('no batch plan found in the server log');
  // the query text is long (one VALUES list per table): print the plan only
  console.log(largest.replace(/Query Text:[\s\S]*?(?=\n\s*(Insert|CTE|Nested|Append|Result|Hash|Seq|Index))/, 'Query Text: (elided)'));
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
