import { readFileSync } from 'node:fs';
import { descendantsIn, processTable } from '../test/support/processes.js';

/** Clock ticks per second of /proc's utime/stime: USER_HZ, 100 on every Linux ABI Node runs on. */
export const TICKS_PER_SECOND = 100;

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal; guest time is already in user
  const idle = n[3]! + n[4]!; // idle + iowait
  return { busy: total - idle, total };
}

interface Sample {
  service: number;
  database: number;
  machine: { busy: number; total: number };
}

/**
 * Where the database's processes are: 'embedded', the services' descendants (the postmaster each
 * spawned and its children); an external server's postmaster on this machine (it and its children,
 * which counts whatever else that server does in the window too); or 'elsewhere' (not measured).
 */
export type DatabaseProcesses = 'embedded' | { postmasterPid: number } | 'elsewhere';

/**
 * CPU spent by the service process (or the replicas' processes, summed) and by its database over
 * a load window, read from /proc.
 */
export class CpuWindow {
  private before?: Sample;
  private after?: Sample;
  private readonly servicePids: readonly number[];

  constructor(
    servicePids: number | readonly number[],
    private readonly database: DatabaseProcesses = 'embedded',
  ) {
    this.servicePids = [servicePids].flat();
  }

  start(): void {
    this.before = this.sample();
  }

  stop(): void {
    this.after = this.sample();
  }

  /** µs of CPU per operation for the service and the database, and how busy the machine was (%). */
  perOp(operations: number): { serviceCpuUs: number; dbCpuUs: number; machineBusyPct: number } {
    const [b, a] = [this.before, this.after];
    if (!b || !a) throw new Error('CpuWindow: start() and stop() around the load');
    const us = (ticks: number) => (ticks * 1e6) / TICKS_PER_SECOND;
    const per = (ticks: number) => (operations > 0 ? Math.round(us(ticks) / operations) : NaN);
    const machineTotal = a.machine.total - b.machine.total;
    return {
      serviceCpuUs: per(a.service - b.service),
      dbCpuUs: this.database === 'elsewhere' ? NaN : per(a.database - b.database),
      machineBusyPct: machineTotal > 0 ? Math.round(((a.machine.busy - b.machine.busy) / machineTotal) * 100) : NaN,
    };
  }

  /** ms of CPU per second of the window, for the service and the database: what they spend with no load. */
  perSecond(seconds: number): { serviceIdleMsPerS: number; dbIdleMsPerS: number } {
    const { serviceCpuUs, dbCpuUs } = this.perOp(seconds * 1000);
    return { serviceIdleMsPerS: serviceCpuUs, dbIdleMsPerS: dbCpuUs };
  }

  private sample(): Sample {
    const all = processTable();
    const services = this.servicePids.map((pid) => {
      const service = all.find((p) => p.pid === pid);
      if (!service) throw new Error(`service process ${pid} is gone`);
      return service;
    });
    const where = this.database;
    const db =
      where === 'embedded'
        ? this.servicePids.flatMap((pid) => descendantsIn(pid, all))
        : where === 'elsewhere'
          ? []
          : [...all.filter((p) => p.pid === where.postmasterPid), ...descendantsIn(where.postmasterPid, all)];
    return {
      // the services' own threads (libuv pool, GC helpers) only: their child is the database
      service: services.reduce((sum, p) => sum + p.cpuTicks, 0),
      // cutime + cstime: PostgreSQL's autovacuum and parallel workers come and go between samples
      database: db.reduce((sum, p) => sum + p.cpuTicks + p.reapedTicks, 0),
      machine: machineTicks(),
    };
  }
}
