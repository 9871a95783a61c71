/**
 * gRPC load generator for the notary.
 *
 *   npx tsx bench/grpc-load.ts [--target host:port] [--mode unary|stream|both] [--in-flight 64]
 *                              [--seconds 20] [--runs 3] [--streams 1] [--channels 1]
 *
 * Without --target, each run starts a fresh server process on embedded defaults (embedded PostgreSQL, local
 * keyring, embedded log) in a temp dir (`--serve` mode of this file), so client and server do not
 * share an event loop. Library use: grpcUnaryLoad / grpcStreamLoad.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { connectNotary, toProtoPackage, type EvidencePackageMsg, type NotaryGrpcClient } from '../src/api/grpc/index.js';
import type { EvidencePackage } from '../src/core/evidence.js';
import { latencyQuantiles } from './rest-load.js';
import { median } from './stats.js';

export interface GrpcLoadResult {
  callsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  total: number;
}

/** Each message a new notarization: the fixture plus a sequence number in metadata. */
function payloads(packages: EvidencePackage[]) {
  const base = packages.map(toProtoPackage);
  let seq = 0;
  return (): EvidencePackageMsg => {
    const pkg = base[seq % base.length]!;
    return { ...pkg, metadata: { fields: { ...pkg.metadata?.fields, bench_seq: { numberValue: seq++ } } } };
  };
}

const summarize = (latencies: number[], errors: number, seconds: number): GrpcLoadResult => {
  return {
    callsPerSec: Math.round(latencies.length / seconds),
    ...latencyQuantiles(latencies),
    errors,
    total: latencies.length,
  };
};

/** `inFlight` SignEvidence calls kept outstanding for `seconds` (after a warm-up), spread over `channels` connections. */
export async function grpcUnaryLoad(
  address: string,
  packages: EvidencePackage[],
  inFlight: number,
  seconds: number,
  opts: { channels?: number; warmupSeconds?: number; window?: { start(): void; stop(): void } } = {},
): Promise<GrpcLoadResult> {
  const clients = Array.from({ length: opts.channels ?? 1 }, () =>
    connectNotary(address, undefined, { 'grpc.use_local_subchannel_pool': 1 }),
  );
  const next = payloads(packages);
  const run = async (ms: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, i) => {
        const client = clients[i % clients.length]!;
        while (Date.now() < until) {
          const t0 = performance.now();
          try {
            await client.unary('SignEvidence', { evidence_package: next() }, { deadlineMs: 30_000 });
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    return { latencies, errors };
  };
  await run((opts.warmupSeconds ?? 2) * 1000);
  opts.window?.start();
  const started = performance.now();
  const { latencies, errors } = await run(seconds * 1000);
  opts.window?.stop();
  clients.forEach((c) => c.close());
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

export interface StreamLoadResult {
  itemsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  total: number;
}

/** `streams` SignEvidenceStream calls, each writing as fast as the server's flow control lets it for `seconds`. */
export async function grpcStreamLoad(
  address: string,
  packages: EvidencePackage[],
  seconds: number,
  opts: { streams?: number } = {},
): Promise<StreamLoadResult> {
  const client = connectNotary(address);
  const next = payloads(packages);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: opts.streams ?? 1 }, () => oneStream(client, next, seconds * 1000, latencies, () => errors++)));
  const elapsed = (performance.now() - started) / 1000;
  client.close();
  return {
    itemsPerSec: Math.round(latencies.length / elapsed),
    ...latencyQuantiles(latencies),
    errors,
    total: latencies.length,
  };
}

async function oneStream(client: NotaryGrpcClient, next: () => EvidencePackageMsg, ms: number, latencies: number[], onError: () => void) {
  const call = client.stream();
  const sentAt = new Map<string, number>();
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (r: { request_id: string; result: { error?: unknown } }) => {
      if (r.result.error) onError();
      else latencies.push(performance.now() - sentAt.get(r.request_id)!);
      sentAt.delete(r.request_id);
    });
    call.on('end', resolve);
    call.on('error', reject);
  });
  const until = Date.now() + ms;
  for (let i = 0; Date.now() < until; i++) {
    sentAt.set(String(i), performance.now());
    // write() returning false is the server's flow control reaching us: wait until it drains
    if (!call.write({ evidence_package: next(), request_id: String(i) })) await new Promise((r) => call.once('drain', r));
  }
  call.end();
  await done;
}

/**
 * `--serve`: the real app on embedded defaults, gRPC only, through the production door (`app.grpc`:
 * its access rules, audit events, limits and options); prints `READY <port>` when listening.
 */
async function serve(port: number, dataDir: string) {
  const config = loadConfig({ NOTARY_DATA_DIR: dataDir, NOTARY_HTTP_PORT: '0', NOTARY_GRPC_PORT: String(port), LOG_LEVEL: 'warn' });
  const logger = createLogger(config.logLevel);
  const app = await buildApp(config, logger);
  const grpcPort = await app.grpc.listen({ host: '127.0.0.1', port: config.grpcPort });
  process.stdout.write(`READY ${grpcPort}\n`);
  // app.close() closes the gRPC door first, letting streams drain while the core still runs
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

async function spawnServer(): Promise<{ address: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'notary-grpc-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      const m = /READY (\d+)/.exec(String(b));
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      serve: { type: 'boolean' },
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      target: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      'in-flight': { type: 'string', default: '64' },
      seconds: { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      streams: { type: 'string', default: '1' },
      channels: { type: 'string', default: '1' },
    },
  });
  if (a.serve) return serve(Number(a.port), a['data-dir'] ?? mkdtempSync(join(tmpdir(), 'notary-grpc-')));
  const { fixtures } = await import('../test/support/records.js');
  const packages = Object.values(fixtures());
  const [inFlight, seconds] = [Number(a['in-flight']), Number(a.seconds)];
  const unary: GrpcLoadResult[] = [];
  const stream: StreamLoadResult[] = [];
  for (let run = 1; run <= Number(a.runs); run++) {
    for (const mode of a.mode === 'both' ? ['unary', 'stream'] : [a.mode!]) {
      const server = a.target ? { address: a.target, stop: async () => {} } : await spawnServer();
      try {
        if (mode === 'unary')
          unary.push(await grpcUnaryLoad(server.address, packages, inFlight, seconds, { channels: Number(a.channels) }));
        else stream.push(await grpcStreamLoad(server.address, packages, seconds, { streams: Number(a.streams) }));
        console.log(`run ${run} ${mode}:`, JSON.stringify(mode === 'unary' ? unary.at(-1) : stream.at(-1)));
      } finally {
        await server.stop();
      }
    }
  }
  if (unary.length)
    console.log(
      `unary SignEvidence, ${inFlight} in flight, ${seconds}s, median of ${unary.length}: ${median(unary.map((r) => r.callsPerSec))} calls/s, p50 ${median(unary.map((r) => r.p50))} ms, p95 ${median(unary.map((r) => r.p95))} ms, p99 ${median(unary.map((r) => r.p99))} ms`,
    );
  if (stream.length)
    console.log(
      `SignEvidenceStream x${a.streams}, ${seconds}s, median of ${stream.length}: ${median(stream.map((r) => r.itemsPerSec))} items/s, item p50 ${median(stream.map((r) => r.p50))} ms, p99 ${median(stream.map((r) => r.p99))} ms`,
    );
}

if (process.argv[1] === import.meta.filename) await main();
