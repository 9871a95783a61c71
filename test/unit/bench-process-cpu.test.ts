import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuWindow } from '../../bench/process-cpu.js';

/** Spins until the process has used `ms` of CPU (wall time would vary with the machine's load). */
const burn = (ms: number) =>
  `{ const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= ${ms * 1000}) break; } }`;
const node = (code: string) => `spawn(process.execPath, ['-e', ${JSON.stringify(code)}], { stdio: 'inherit' })`;

describe.runIf(process.platform === 'linux')('bench CPU window (/proc)', () => {
  it('charges the service its own CPU, and the database its server and the workers it forked and reaped', async () => {
    // service (400 ms) → "postmaster" (long-lived) → worker (800 ms, exits and is reaped by the postmaster)
    const postmaster = `const { spawn } = require('node:child_process');
      ${node(burn(800))}.on('exit', () => process.stdout.write('db-done;'));
      process.stdin.on('end', () => process.exit()).resume();`;
    const service = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process'); process.stdin.once('data', () => { ${node(postmaster)}; ${burn(400)}; process.stdout.write('service-done;'); });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const cpu = new CpuWindow(service.pid!);
    try {
      let out = '';
      const finished = new Promise<void>((resolve) =>
        service.stdout.on('data', (b: Buffer) => {
          out += String(b);
          if (out.includes('service-done') && out.includes('db-done')) resolve();
        }),
      );
      await new Promise((r) => setTimeout(r, 300)); // past node's own start-up
      cpu.start();
      service.stdin.write('go');
      await finished;
      cpu.stop();
    } finally {
      service.stdin.end(); // the "postmaster" shares it: it exits at its end
      service.kill('SIGKILL');
    }
    const { serviceCpuUs, dbCpuUs } = cpu.perOp(1);
    // /proc counts in 10 ms ticks; the service also spent some on spawning
    expect(serviceCpuUs).toBeGreaterThanOrEqual(380_000);
    expect(serviceCpuUs).toBeLessThan(700_000);
    expect(dbCpuUs).toBeGreaterThanOrEqual(780_000);
  });
});
