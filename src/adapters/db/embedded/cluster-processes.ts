import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

type Log = (obj: object, msg: string) => void;

/**
 * Every process of the cluster in `dataDir`: PostgreSQL's server and each of its children change
 * into the data directory, so on Linux they are the processes whose cwd is it. Elsewhere (no
 * /proc), the postmaster named in postmaster.pid if it is alive.
 */
export function clusterProcesses(dataDir: string): number[] {
  const real = realpathSync(dataDir);
  if (!existsSync('/proc/self/cwd')) {
    const pid = postmasterPid(dataDir);
    return pid !== undefined && alive(pid) ? [pid] : [];
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === real) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return pids;
}

export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a server no service owns any more (its service was SIGKILLed, or exited without stopping
 * it): a fast shutdown of the postmaster (clean: it checkpoints), then whatever is left of the
 * cluster (backends of a postmaster that was itself killed) is ended. Afterwards no process uses
 * the data directory, so postmaster.pid and the socket lock are stale and removed: a pid reused by
 * an unrelated process can then never block the start with "lock file already exists".
 */
export async function stopStrayCluster(dataDir: string, socketLock: string, log: Log): Promise<void> {
  let pids = clusterProcesses(dataDir);
  if (pids.length > 0) {
    const postmaster = postmasterPid(dataDir);
    log({ pids, postmaster }, 'embedded PostgreSQL: stopping a server left running by a previous service');
    if (postmaster !== undefined && pids.includes(postmaster)) {
      signal(postmaster, 'SIGINT');
      pids = await waitGone(dataDir, 60_000);
    }
    for (const [sig, ms] of [
      ['SIGQUIT', 5000],
      ['SIGKILL', 5000],
    ] as const) {
      if (pids.length === 0) break;
      pids.forEach((p) => signal(p, sig));
      pids = await waitGone(dataDir, ms);
    }
    if (pids.length > 0) throw new Error(`processes ${pids.join(', ')} still use ${dataDir}`);
  }
  if (existsSync('/proc/self/cwd')) {
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
    rmSync(socketLock, { force: true });
  }
}

async function waitGone(dataDir: string, ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let pids = clusterProcesses(dataDir);
  while (pids.length > 0 && Date.now() < until) {
    await sleep(50);
    pids = clusterProcesses(dataDir);
  }
  return pids;
}

/**
 * A process that has exited but was not reaped yet (a zombie) still answers kill(pid, 0); an
 * orphaned server is reparented to whatever reaps orphans here (in a container, often a pid 1 that
 * reaps late), so its exit is read from /proc where there is one.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}
