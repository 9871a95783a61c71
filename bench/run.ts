/**
 * `npm run bench`: starts the built service on embedded defaults (or DATABASE_URL with
 * --database-url), drives REST (and gRPC when available) at N concurrent requests for a fixed
 * duration with the shared fixtures, measures the in-process ceiling in the same run, prints a
 * table and writes bench/results/<timestamp>.json. --stored-rows 1000,1000000 repeats the whole
 * measurement with that many notarizations already stored and compares the levels.
 *   npm run bench -- [--duration 20] [--connections 64] [--runs 3] [--soak 600] [--database-url URL] [--stored-rows N,M]
 *                    [--service-log-level info]
 * --service-cpu-prof DIR runs the service with `node --cpu-prof` writing its profiles to DIR.
 * --service-log-level runs the service at that LOG_LEVEL (default warn: no request lines) with its
 * stdout going to a file, as a log collector would read it, to measure what logging costs.
 * --replicas N (with --database-url and --skip-grpc) starts N service processes on one database and
 * spreads the REST connections over them; CPU per notarization is summed over the N processes.
 * Every figure is printed next to issue #20's target (bench/targets.ts) and whether it is met.
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCeiling } from './ceiling.js';
import { grpcStreamLoad, grpcUnaryLoad, type GrpcLoadResult, type StreamLoadResult } from './grpc-load.js';
import { CpuWindow, type DatabaseProcesses } from './process-cpu.js';
import { localPostmasterPid } from './postmaster.js';
import { sampleLock, type LockShare } from './lock-sampler.js';
import { restLoad, type LoadResult } from './rest-load.js';
import { prefill } from './prefill.js';
import { serverMemory, startReplicas } from './server.js';
import { grpcChecks, levelChecks, restChecks, soakCheck, targetRows, type TargetCheck } from './targets.js';
import { median, evidencePackages } from './stats.js';
import type { EvidencePackage } from '../src/core/evidence.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    soak: { type: 'string' },
    'database-url': { type: 'string' },
    'skip-grpc': { type: 'boolean', default: false },
    'stored-rows': { type: 'string' },
    'service-log-level': { type: 'string' },
    'service-cpu-prof': { type: 'string' },
    replicas: { type: 'string', default: '1' },
  },
});
const replicas = Number(args.replicas);
// the gRPC load and the soak's memory reading each address one process
if (replicas > 1 && (!args['database-url'] || !args['skip-grpc'] || args.soak))
  throw new Error('--replicas N > 1 needs --database-url and --skip-grpc, and takes no --soak');
const packages = evidencePackages<EvidencePackage & Record<string, unknown>>();

async function main() {
  const seconds = Number(args.duration),
    connections = Number(args.connections),
    runs = Number(args.runs);
  const env: Record<string, string> = args['database-url'] ? { DATABASE_URL: args['database-url'] } : {};
  if (args['service-log-level']) env.LOG_LEVEL = args['service-log-level'];
  const ceiling = measureCeiling(packages.map((p) => JSON.stringify({ evidence_package: p })));
  const database = await databaseProcesses(args['database-url']);
  const levels = args['stored-rows']?.split(',').map(Number) ?? [0];
  const measured = [];
  for (const storedRows of levels)
    measured.push({ storedRows, ...(await measureLevel(env, database, storedRows, runs, seconds, connections)) });
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: {
      seconds,
      connections,
      runs,
      store: args['database-url'] ? 'postgres' : 'embedded PostgreSQL',
      signer: 'local keyring',
      log: 'embedded',
      service_log_level: env.LOG_LEVEL ?? 'warn',
      replicas,
    },
    ceiling_per_core_ops: ceiling.opsPerSec,
    ...withoutLevel(measured[0]!),
    rest_per_replica_per_s: Math.round(measured[0]!.rest.median.requestsPerSec / replicas),
    targets: targetsOf(measured, connections),
    levels:
      measured.length > 1
        ? measured.map((m) => ({
            stored_rows: m.storedRows,
            rest: m.rest.median,
            grpc: typeof m.grpc === 'string' ? m.grpc : m.grpc.unary.median,
          }))
        : undefined,
  };
  for (const m of measured) printLevel(m, connections, seconds, runs, ceiling.opsPerSec, measured.length > 1);
  if (measured.length > 1) {
    console.table(targetRows(levelChecks(measured.map(restLevel))));
    const base = measured[0]!.rest.median.requestsPerSec;
    console.table(
      Object.fromEntries(
        measured.map((m) => [
          `${m.storedRows} stored`,
          {
            'REST per s': m.rest.median.requestsPerSec,
            'vs first': `${((m.rest.median.requestsPerSec / base - 1) * 100).toFixed(1)} %`,
            'p99 ms': m.rest.median.p99,
          },
        ]),
      ),
    );
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `${summary.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  console.log(`wrote ${file}`);
}

/** The external server's processes when it runs here (not other clusters on the machine), else the embedded one's. */
async function databaseProcesses(url: string | undefined): Promise<DatabaseProcesses> {
  if (!url) return 'embedded';
  const postmasterPid = await localPostmasterPid(url);
  return postmasterPid === undefined ? 'elsewhere' : { postmasterPid };
}

type CpuPerOp = ReturnType<CpuWindow['perOp']>;
const IDLE_SECONDS = 2;
type Level = Awaited<ReturnType<typeof measureLevel>> & { storedRows: number };
const withoutLevel = ({ storedRows, ...rest }: Level) => ({ stored_rows: storedRows, ...rest });

/** `runs` fresh services, each starting with `storedRows` notarizations stored. */
async function measureLevel(
  env: Record<string, string>,
  database: DatabaseProcesses,
  storedRows: number,
  runs: number,
  seconds: number,
  connections: number,
) {
  const rest: (LoadResult & CpuPerOp & ReturnType<CpuWindow['perSecond']> & Partial<LockShare>)[] = [];
  const grpc: (GrpcLoadResult & CpuPerOp)[] = [];
  const stream: (StreamLoadResult & CpuPerOp)[] = [];
  let soak: Awaited<ReturnType<typeof soakRun>> | undefined;
  for (let i = 0; i < runs; i++) {
    const prepare = storedRows > 0 ? (serviceEnv: Record<string, string>) => prefill(serviceEnv, storedRows) : undefined;
    const nodeArgs = args['service-cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['service-cpu-prof']] : [];
    const started = await startReplicas(replicas, env, prepare, nodeArgs);
    const server = started.replicas[0]!;
    // CPU is read around each load window: the service processes and their database, per notarization
    const cpu = new CpuWindow(
      started.replicas.map((r) => r.pid),
      database,
    );
    try {
      // first what both spend at rest (timers, background work), which every per-op figure includes
      cpu.start();
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      cpu.stop();
      const idle = cpu.perSecond(IDLE_SECONDS);
      // on a shared database, how much of the load's time a batch holds the replicas' lock
      const lock = started.databaseUrl ? await sampleLock(started.databaseUrl) : undefined;
      cpu.start();
      const r = await restLoad(
        started.replicas.map((s) => s.url),
        packages,
        connections,
        seconds,
      );
      cpu.stop();
      rest.push({ ...r, ...cpu.perOp(r.total), ...idle, ...(await lock?.stop()) });
      if (!args['skip-grpc']) {
        const g = await grpcUnaryLoad(`127.0.0.1:${server.grpcPort}`, packages, connections, seconds, { window: cpu });
        grpc.push({ ...g, ...cpu.perOp(g.total) });
        cpu.start();
        const st = await grpcStreamLoad(`127.0.0.1:${server.grpcPort}`, packages, seconds);
        cpu.stop();
        stream.push({ ...st, ...cpu.perOp(st.total) });
      }
      if (args.soak && i === 0) soak = await soakRun(server.url, Number(args.soak), connections);
    } finally {
      await started.stop();
    }
  }
  return {
    rest: { runs: rest, median: medianOf(rest) },
    grpc: grpc.length
      ? { unary: { runs: grpc, median: medianOf(grpc) }, stream: { runs: stream, median: medianOf(stream) } }
      : ('not measured' as const),
    soak,
  };
}

function printLevel(m: Level, connections: number, seconds: number, runs: number, ceiling: number, named: boolean) {
  const med = m.rest.median;
  console.log(
    `\n${named ? `${m.storedRows} rows stored before each run: ` : ''}notarizations/s (REST, ${connections} conns, ${seconds}s, median of ${runs}): ${med.requestsPerSec}`,
  );
  const table: Record<string, object> = {
    REST: {
      'per s': med.requestsPerSec,
      'p50 ms': med.p50,
      'p95 ms': med.p95,
      'p99 ms': med.p99,
      errors: med.errors + med.non2xx,
      ...cpuColumns(med),
    },
  };
  if (typeof m.grpc !== 'string') {
    const [g, st] = [m.grpc.unary.median, m.grpc.stream.median];
    table['gRPC unary'] = { 'per s': g.callsPerSec, 'p50 ms': g.p50, 'p95 ms': g.p95, 'p99 ms': g.p99, errors: g.errors, ...cpuColumns(g) };
    table['gRPC stream (items)'] = {
      'per s': st.itemsPerSec,
      'p50 ms': st.p50,
      'p95 ms': st.p95,
      'p99 ms': st.p99,
      errors: st.errors,
      ...cpuColumns(st),
    };
  }
  console.table(table);
  if (replicas > 1)
    console.log(
      `${replicas} replicas on one database: ${med.requestsPerSec}/s in all, ${Math.round(med.requestsPerSec / replicas)}/s per replica; CPU µs/op summed over their processes`,
    );
  if (med.lockHeldPct !== undefined)
    console.log(
      `the log's advisory lock (taken by every batch): held ${med.lockHeldPct} % of the load's time, ${med.lockWaiters} waiting on average`,
    );
  console.log(`issue #20's targets${named ? ` (${m.storedRows} stored)` : ''}:`);
  console.table(targetRows(levelTargets(m, connections)));
  console.log(`at rest before the load: service ${med.serviceIdleMsPerS} ms CPU/s, database ${med.dbIdleMsPerS} ms CPU/s`);
  console.log(
    `in-process ceiling (parse+validate+JCS+sha256+sign, 1 core): ${ceiling}/s (${Math.round(1e6 / ceiling)} µs/op); REST/ceiling = ${(med.requestsPerSec / ceiling).toFixed(2)}`,
  );
}

const restLevel = (m: Level) => ({ storedRows: m.storedRows, requestsPerSec: m.rest.median.requestsPerSec });

/** One level's figures against the targets: REST, and gRPC and the soak where they were measured. */
const levelTargets = (m: Level, connections: number): TargetCheck[] => [
  ...restChecks(m.rest.median, connections),
  ...(typeof m.grpc === 'string' ? [] : grpcChecks(m.grpc.unary.median, m.grpc.stream.median)),
  ...(m.soak ? [soakCheck(m.soak.heapGrowthMiB)] : []),
];

/** The JSON's targets: the first level's figures and the levels' spread. */
const targetsOf = (measured: Level[], connections: number): TargetCheck[] => [
  ...levelTargets(measured[0]!, connections),
  ...levelChecks(measured.map(restLevel)),
];

const cpuColumns = (c: CpuPerOp) => ({
  'service CPU µs/op': c.serviceCpuUs,
  'DB CPU µs/op': c.dbCpuUs,
  'machine busy %': c.machineBusyPct,
});

/** Field-by-field median of several runs. */
function medianOf<T extends object>(rs: T[]): T {
  const keys = Object.keys(rs[0]!) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, median(rs.map((r) => r[k] as number))])) as T;
}

/** Runs load for `seconds` and reports memory growth of the service: RSS and heap before/after. */
async function soakRun(url: string, seconds: number, connections: number) {
  const before = await serverMemory(url);
  const load = await restLoad(url, packages, connections, seconds);
  await new Promise((r) => setTimeout(r, 2000));
  const after = await serverMemory(url);
  return {
    seconds,
    load,
    before,
    after,
    rssGrowthMiB: (after.rssBytes - before.rssBytes) / 2 ** 20,
    heapGrowthMiB: (after.heapUsedBytes - before.heapUsedBytes) / 2 ** 20,
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
