/**
 * `npm run bench`: starts the built service on embedded defaults (or DATABASE_URL with
 * --database-url), drives REST (and gRPC when available) at N concurrent requests for a fixed
 * duration with the shared fixtures, measures the in-process ceiling in the same run, prints a
 * table and writes bench/results/<timestamp>.json.
 *   npm run bench -- [--duration 20] [--connections 64] [--runs 3] [--soak 600] [--database-url URL]
 */
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCeiling } from './ceiling.js';
import { restLoad, type LoadResult } from './rest-load.js';
import { serverMemory, startServer } from './server.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' }, connections: { type: 'string', default: '64' }, runs: { type: 'string', default: '3' },
    soak: { type: 'string' }, 'database-url': { type: 'string' }, 'skip-grpc': { type: 'boolean', default: false },
  },
});
const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/evidence');
const packages = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const seconds = Number(args.duration), connections = Number(args.connections), runs = Number(args.runs);
  const env: Record<string, string> = args['database-url'] ? { DATABASE_URL: args['database-url'] } : {};
  const ceiling = measureCeiling(packages.map((p) => JSON.stringify({ evidence_package: p })));
  const rest: LoadResult[] = [];
  const grpc: unknown[] = [];
  let soak: unknown;
  for (let i = 0; i < runs; i++) {
    const server = await startServer(env);
    try {
      rest.push(await restLoad(server.url, packages, connections, seconds));
      if (!args['skip-grpc']) grpc.push(await grpcLoadIfAvailable(server.grpcPort, connections, seconds));
      if (args.soak && i === 0) soak = await soakRun(server.url, Number(args.soak), connections);
    } finally {
      await server.stop();
    }
  }
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { seconds, connections, runs, store: args['database-url'] ? 'postgres' : 'pglite', signer: 'local keyring', log: 'embedded' },
    ceiling_per_core_ops: ceiling.opsPerSec,
    rest: { runs: rest, median: medianOf(rest) },
    grpc: grpc.filter(Boolean).length ? { runs: grpc } : 'not measured',
    soak,
  };
  const med = summary.rest.median;
  console.log(`\nnotarizations/s (REST, ${connections} conns, ${seconds}s, median of ${runs}): ${med.requestsPerSec}`);
  console.table({ REST: { 'req/s': med.requestsPerSec, 'p50 ms': med.p50, 'p95 ms': med.p95, 'p99 ms': med.p99, errors: med.errors, non2xx: med.non2xx } });
  console.log(`in-process ceiling (parse+validate+JCS+sha256+sign, 1 core): ${ceiling.opsPerSec}/s; REST/ceiling = ${(med.requestsPerSec / ceiling.opsPerSec).toFixed(2)}`);
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `${summary.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  console.log(`wrote ${file}`);
}

function medianOf(rs: LoadResult[]): LoadResult {
  const keys = Object.keys(rs[0]!) as (keyof LoadResult)[];
  return Object.fromEntries(keys.map((k) => [k, median(rs.map((r) => r[k]))])) as unknown as LoadResult;
}

async function grpcLoadIfAvailable(port: number, inFlight: number, seconds: number): Promise<unknown> {
  try {
    const mod = await import('./grpc-load.js' as string);
    return await mod.grpcLoad?.({ target: `127.0.0.1:${port}`, inFlight, seconds });
  } catch (err) {
    console.warn(`gRPC load skipped: ${(err as Error).message}`);
    return undefined;
  }
}

/** Runs load for `seconds` and reports memory growth of the service: RSS and heap before/after. */
async function soakRun(url: string, seconds: number, connections: number) {
  const before = await serverMemory(url);
  const load = await restLoad(url, packages, connections, seconds);
  await new Promise((r) => setTimeout(r, 2000));
  const after = await serverMemory(url);
  return { seconds, load, before, after, rssGrowthMiB: (after.rssBytes - before.rssBytes) / 2 ** 20, heapGrowthMiB: (after.heapUsedBytes - before.heapUsedBytes) / 2 ** 20 };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
