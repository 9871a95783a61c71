/**
 * The service's CPU per notarization split by thread (main, V8 GC helpers, libuv pool, …), read from
 * /proc/<pid>/task/*\/stat around a REST load on fresh embedded defaults: what `service CPU µs/op`
 * in `npm run bench` is made of. Threads are grouped by name (comm).
 *   npx tsx bench/thread-cpu.ts [--duration 10] [--connections 64]
 */
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readProcStat } from '../test/support/processes.js';
import { TICKS_PER_SECOND } from './process-cpu.js';
import { restLoad } from './rest-load.js';
import { startServer } from './server.js';
import { evidencePackages } from './stats.js';

const { values: args } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' } },
});
const packages = evidencePackages();
interface ThreadTicks {
  name: string;
  user: number;
  system: number;
}

/** utime and stime ticks per thread id, with the thread's name. */
function threads(pid: number): Map<number, ThreadTicks> {
  const out = new Map<number, ThreadTicks>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const t = readProcStat(Number(tid), `/proc/${pid}/task/${tid}/stat`); // undefined: the thread ended meanwhile
    if (t) out.set(t.pid, { name: t.pid === pid ? 'main' : t.comm, user: t.userTicks, system: t.systemTicks });
  }
  return out;
}

const server = await startServer();
try {
  const before = threads(server.pid);
  const load = await restLoad(server.url, packages, Number(args.connections), Number(args.duration));
  const after = threads(server.pid);
  const byName = new Map<string, { user: number; system: number }>();
  for (const [tid, t] of after) {
    const sum = byName.get(t.name) ?? { user: 0, system: 0 };
    sum.user += t.user - (before.get(tid)?.user ?? 0);
    sum.system += t.system - (before.get(tid)?.system ?? 0);
    byName.set(t.name, sum);
  }
  const perOp = (ticks: number) => Math.round((ticks * 1e6) / TICKS_PER_SECOND / load.total);
  const total = [...byName.values()].reduce((a, b) => a + b.user + b.system, 0);
  console.log(`${load.total} notarizations in ${args.duration} s (${load.requestsPerSec}/s); service CPU ${perOp(total)} µs/op:`);
  const rows = [...byName].sort((a, b) => b[1].user + b[1].system - a[1].user - a[1].system);
  console.table(
    Object.fromEntries(
      rows.map(([name, t]) => [name, { 'µs/op': perOp(t.user + t.system), 'user µs/op': perOp(t.user), 'system µs/op': perOp(t.system) }]),
    ),
  );
} finally {
  await server.stop();
}
