/** Process-tree facts read from /proc (Linux), for tests that stop services by PID. */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

interface ProcStat {
  pid: number;
  ppid: number;
  start: string;
}

/** pid, parent pid and start time (clock ticks since boot: tells a reused pid from the original). */
function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : { pid, ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
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
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => stat(Number(d)))
    .filter((s): s is ProcStat => s !== undefined);
  const found: ProcessRef[] = [];
  const visit = (parent: number) => {
    for (const child of all.filter((s) => s.ppid === parent)) {
      found.push({ pid: child.pid, ppid: child.ppid, start: child.start, command: commandLine(child.pid) });
      visit(child.pid);
    }
  };
  visit(pid);
  return found;
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
