import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, freePort } from '../test/support/postgres-server.js';

/** One service process. */
export interface BenchReplica {
  url: string;
  grpcPort: number;
  pid: number;
}

export interface BenchServer extends BenchReplica {
  /** NOTARY_DATA_DIR (removed by stop) */
  dataDir: string;
  stop(): Promise<void>;
}

export interface BenchReplicas {
  replicas: BenchReplica[];
  /** NOTARY_DATA_DIR of every replica (removed by stop) */
  dataDir: string;
  /** the run's fresh database on an external server (DATABASE_URL) */
  databaseUrl?: string;
  stop(): Promise<void>;
}

/** Fills the database before the service starts; given the service's environment, so it finds the same data folder, database and keys. */
type Prepare = (serviceEnv: Record<string, string>) => Promise<void>;

const ROOT = join(import.meta.dirname, '..');

/** Starts the built service (dist/main.js) as its own process on fresh embedded defaults, after `prepare` has filled its database. */
export async function startServer(env: Record<string, string> = {}, prepare?: Prepare, nodeArgs: string[] = []): Promise<BenchServer> {
  const { replicas, dataDir, stop } = await startReplicas(1, env, prepare, nodeArgs);
  return { ...replicas[0]!, dataDir, stop };
}

/**
 * Starts `count` service processes on distinct ports against one fresh database (DATABASE_URL when
 * more than one), after `prepare` has filled it. Replicas share what a deployment shares: the
 * keyring folder (one NOTARY_DATA_DIR, written by the first replica before the next starts) and a
 * keyring passphrase, which unseals the log and TSA keys stored in the database.
 */
export async function startReplicas(
  count: number,
  env: Record<string, string> = {},
  prepare?: Prepare,
  nodeArgs: string[] = [],
): Promise<BenchReplicas> {
  if (count > 1 && !env.DATABASE_URL) throw new Error('replicas share a database: give DATABASE_URL');
  const dataDir = mkdtempSync(join(tmpdir(), 'notary-bench-'));
  // a new database per run, so every run starts from zero rows (or what `prepare` stores)
  if (env.DATABASE_URL) env = { ...env, DATABASE_URL: await createDatabase(env.DATABASE_URL, `bench_${Date.now()}_${process.pid}`) };
  if (count > 1) env = { NOTARY_KEYRING_PASSPHRASE: randomBytes(16).toString('hex'), ...env };
  await prepare?.(serviceEnv(env, dataDir));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const replicas: BenchReplica[] = [];
    for (let i = 0; i < count; i++)
      replicas.push(await startProcess(env, dataDir, nodeArgs, count > 1 ? `service-${i}.log` : 'service.log', children));
    return { replicas, dataDir, databaseUrl: env.DATABASE_URL, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What every replica runs with, but its ports. */
const serviceEnv = (env: Record<string, string>, dataDir: string): Record<string, string> => ({
  ...(process.env as Record<string, string>),
  NOTARY_DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  NOTARY_LOG_FORMAT: 'json',
  ...env,
});

async function startProcess(
  env: Record<string, string>,
  dataDir: string,
  nodeArgs: string[],
  logName: string,
  children: ChildProcess[],
): Promise<BenchReplica> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  // below warn the service logs a line per request: those go to a file, as to a log collector
  const logFile =
    env.LOG_LEVEL && !['warn', 'error', 'fatal', 'silent'].includes(env.LOG_LEVEL) ? openSync(join(dataDir, logName), 'a') : undefined;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/main.js')], {
    env: { ...serviceEnv(env, dataDir), NOTARY_HTTP_PORT: String(httpPort), NOTARY_GRPC_PORT: String(grpcPort), ...env },
    stdio: ['ignore', logFile ?? 'inherit', 'inherit'],
  });
  children.push(child);
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
  return { url, grpcPort, pid: child.pid! };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Resident and heap memory of the service, read from its own /metrics. */
export async function serverMemory(url: string): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rssBytes: read('process_resident_memory_bytes'), heapUsedBytes: read('nodejs_heap_size_used_bytes') };
}
