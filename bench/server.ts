import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, freePort } from '../test/support/postgres-server.js';

export interface BenchServer {
  url: string;
  grpcPort: number;
  pid: number;
  /** NOTARY_DATA_DIR (removed by stop) */
  dataDir: string;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..');

/**
 * Starts the built service (dist/main.js) as its own process on fresh embedded defaults, after
 * `prepare` has filled its database (given the service's environment, so it finds the same data
 * folder, database and keys).
 */
export async function startServer(
  env: Record<string, string> = {},
  prepare?: (serviceEnv: Record<string, string>) => Promise<void>,
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'notary-bench-'));
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  // a new database per run, so every run starts from zero rows (or what `prepare` stores)
  if (env.DATABASE_URL) env = { ...env, DATABASE_URL: await createDatabase(env.DATABASE_URL, `bench_${Date.now()}_${process.pid}`) };
  const serviceEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NOTARY_DATA_DIR: dataDir,
    NOTARY_HTTP_PORT: String(httpPort),
    NOTARY_GRPC_PORT: String(grpcPort),
    LOG_LEVEL: 'warn',
    NOTARY_LOG_FORMAT: 'json',
    ...env,
  };
  await prepare?.(serviceEnv);
  // below warn the service logs a line per request: those go to a file, as to a log collector
  const logFile =
    env.LOG_LEVEL && !['warn', 'error', 'fatal', 'silent'].includes(env.LOG_LEVEL)
      ? openSync(join(dataDir, 'service.log'), 'a')
      : undefined;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/main.js')], {
    env: serviceEnv,
    stdio: ['ignore', logFile ?? 'inherit', 'inherit'],
  });
  if (logFile !== undefined) closeSync(logFile);
  const url = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode} before it was ready`);
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 1800) throw new Error('service not ready after 3 min');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    grpcPort,
    pid: child.pid!,
    dataDir,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident and heap memory of the service, read from its own /metrics. */
export async function serverMemory(url: string): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rssBytes: read('process_resident_memory_bytes'), heapUsedBytes: read('nodejs_heap_size_used_bytes') };
}
