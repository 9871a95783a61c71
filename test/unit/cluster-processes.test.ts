import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alive } from '../../src/adapters/db/embedded/cluster-processes.js';

describe('alive', () => {
  // An orphaned PostgreSQL server that was stopped stays a zombie until its new parent reaps it;
  // CI saw such a server reported alive after it had exited.
  it.skipIf(!existsSync('/proc/self/stat'))('reports an exited process that nobody reaped as not alive', async () => {
    // `sleep 0.2` exits while its parent (`sleep 30`, exec'd over the shell) never waits for it
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const child = Number(line.toString().trim());
      expect(alive(child)).toBe(true);
      const end = Date.now() + 10_000;
      while (alive(child) && Date.now() < end) await sleep(20);
      expect(alive(child)).toBe(false);
      expect(alive(parent.pid!)).toBe(true);
    } finally {
      const exited = once(parent, 'exit');
      parent.kill('SIGKILL');
      await exited;
    }
  });
});
