import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './postgres-server.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export function findRedisServer(): string | undefined {
  return (
    (process.env.PATH ?? '')
      .split(delimiter)
      .map((d) => join(d, 'redis-server'))
      .find((p) => existsSync(p)) ?? ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((p) => existsSync(p))
  );
}

/**
 * A throwaway Redis on a loopback port, nothing persisted. Returns undefined when redis-server is
 * not installed, except in CI, where that is an error: the Redis tests must fail there, not skip.
 */
export async function startRedis(): Promise<RedisServer | undefined> {
  const bin = findRedisServer();
  if (!bin) {
    if (process.env.CI) throw new Error('CI: redis-server is required (apt-get install -y redis-server)');
    console.warn('\n!! redis-server not found: Redis-backed tests are SKIPPED\n');
    return undefined;
  }
  const port = await freePort();
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error('redis-server did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}
