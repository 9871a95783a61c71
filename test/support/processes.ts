/** Process-tree facts read from /proc (Linux), for tests that stop services by PID. */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** One /proc/<pid>/stat, the fields the tests and the bench read. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** field 3: R, S, D, Z … */
  state: string;
  comm: string;
  /** start time in clock ticks since boot: tells a reused pid from the original */
  start: string;
  /** utime + stime, clock ticks: every thread of the process, live or exited */
  cpuTicks: number;
  /** utime and stime apart, clock ticks */
  userTicks: number;
  systemTicks: number;
  /** cutime + cstime, clock ticks: children it has reaped */
  reapedTicks: number;
}

/**
 * /proc/<pid>/stat parsed; undefined once the process is gone. `file` reads another file of the
 * same format instead: one thread's, /proc/<pid>/task/<tid>/stat (its pid is then the thread id).
 */
export function readProcStat(pid: number, file = `/proc/${pid}/stat`): ProcStat | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17, starttime field 22
    return {
      pid,
      ppid: Number(f[1]),
      state: f[0]!,
      comm: text.slice(text.indexOf('(') + 1, close),
      start: f[19]!,
      cpuTicks: Number(f[11]) + Number(f[12]),
      userTicks: Number(f[11]),
      systemTicks: Number(f[12]),
      reapedTicks: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return undefined; // exited between readdir and read
  }
}

/** Every process /proc lists, as far as it could be read. */
export function processTable(): ProcStat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProcStat(Number(d)))
    .filter((s): s is ProcStat => s !== undefined);
}

/** The descendants of `root` (children, grandchildren …) in `table`. */
export function descendantsIn<T extends { pid: number; ppid: number }>(root: number, table: T[]): T[] {
  const found: T[] = [];
  let parents = new Set([root]);
  while (parents.size > 0) {
    const next = table.filter((p) => parents.has(p.ppid));
    found.push(...next);
    parents = new Set(next.map((p) => p.pid));
  }
  return found;
}

/** A live process: zombies count as gone. */
function stat(pid: number): ProcStat | undefined {
  const s = readProcStat(pid);
  return s?.state === 'Z' ? undefined : s;
}

export interface ProcessRef {
  pid: number;
  ppid: number;
  start: string;
  command: string;
}

/** A live process, to check later that it is gone. */
export function processRef(pid: number): ProcessRef | undefined {
  const s = stat(pid);
  return s && { pid, ppid: s.ppid, start: s.start, command: commandLine(pid) };
}

/** Every live descendant of `pid` (children, grandchildren …). */
export function descendants(pid: number): ProcessRef[] {
  const live = processTable().filter((s) => s.state !== 'Z');
  return descendantsIn(pid, live).map((s) => ({ pid: s.pid, ppid: s.ppid, start: s.start, command: commandLine(s.pid) }));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The processes of `refs` still running (same pid and same start time; zombies count as gone). */
export function stillRunning(refs: ProcessRef[]): ProcessRef[] {
  return refs.filter((r) => stat(r.pid)?.start === r.start);
}

/** True when nothing accepts TCP connections on 127.0.0.1:port. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
