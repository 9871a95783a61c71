import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a data folder: written into the lock file, named in the refusal. */
export interface LockHolder {
  pid: number;
  /** what holds it: "afdp-notary service (REST 3030, gRPC 50051)", "afdp-notary audit-verify" … */
  role: string;
  host: string;
  since: string;
  /** /proc start time of the process, so a reused pid is not mistaken for the holder */
  startTicks?: string;
}

export class DataDirInUseError extends Error {
  readonly code = 'data_dir_in_use';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${dir} is in use by ${holder.role}, pid ${holder.pid} on ${holder.host} since ${holder.since}: stop it first, or give this one its own NOTARY_DATA_DIR`,
    );
  }
}

export interface ServiceLock {
  release(): void;
}

/**
 * One service per data folder. The lock is a file made with link(2), which fails if it exists, so
 * two starters cannot both take it; a lock whose holder is gone (killed, crashed) is taken over,
 * and a live holder is named in the refusal.
 */
export function acquireServiceLock(file: string, dir: string, role: string): ServiceLock {
  const mine: LockHolder = {
    pid: process.pid,
    role,
    host: hostname(),
    since: new Date().toISOString(),
    startTicks: startTicks(process.pid),
  };
  const content = JSON.stringify(mine);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return { release: () => releaseIfMine(file, content) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const seen = read(file);
      if (seen && isAlive(seen.holder)) throw new DataDirInUseError(dir, seen.holder);
      if (seen) takeOverStale(file, seen.raw);
    }
    throw new Error(`could not take the lock ${file}: it keeps changing`);
  } finally {
    unlinkSync(tmp);
  }
}

/** The live holder of the lock, if any (the CLI uses this to find a running service). */
export function liveHolder(file: string): LockHolder | undefined {
  const seen = read(file);
  return seen && isAlive(seen.holder) ? seen.holder : undefined;
}

function takeOverStale(file: string, raw: string): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another starter moved it first
    throw err;
  }
  // another starter may have replaced the stale lock between our read and rename: put theirs back
  if (readFileSync(aside, 'utf8') !== raw) {
    try {
      linkSync(aside, file);
    } catch {
      /* a third one holds it now: the next attempt reads it */
    }
  }
  unlinkSync(aside);
}

function releaseIfMine(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

function read(file: string): { holder: LockHolder; raw: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return { holder: JSON.parse(raw) as LockHolder, raw };
  } catch {
    return { holder: { pid: 0, role: 'unknown', host: '', since: '' }, raw }; // unreadable: treated as stale
  }
}

function isAlive(h: LockHolder): boolean {
  if (!h.pid) return false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // a restarted container may reuse the pid (often 1): another start time is another process
  return h.startTicks === undefined || startTicks(h.pid) === h.startTicks;
}

/** Field 22 of /proc/<pid>/stat (start time since boot); undefined where there is no /proc. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
