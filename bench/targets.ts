/**
 * Issue #20's targets for this machine (embedded defaults, fsync on, anchoring and audit included),
 * written once: the bench's tables and its JSON judge every measured figure against these.
 */
export const TARGETS = {
  restPerSec: 5_000,
  /** the REST throughput target holds at this many concurrent requests, not at more */
  restConnections: 64,
  restP99Ms: 50,
  restErrors: 0,
  grpcUnaryPerSec: 4_000,
  streamItemsPerSec: 10_000,
  serviceCpuUsPerOp: 200,
  dbCpuUsPerOp: 150,
  /** each --stored-rows level's REST throughput against the first level's */
  levelSpreadPct: 10,
  /**
   * "No growth in heap" over the soak: heap used is read without forcing a GC, so it still holds the
   * young generation's garbage (up to a 16 MiB semi-space by default on 64-bit V8): less is noise.
   */
  soakHeapGrowthMiB: 16,
} as const;

export interface TargetCheck {
  figure: string;
  measured: number;
  target: string;
  met: boolean;
}

// NaN (nothing measured) meets no target: the comparisons below are false for it
const atLeast = (figure: string, measured: number, min: number, target = `≥ ${min}`): TargetCheck => ({
  figure,
  measured,
  target,
  met: measured >= min,
});
const atMost = (figure: string, measured: number, max: number): TargetCheck => ({
  figure,
  measured,
  target: `≤ ${max}`,
  met: measured <= max,
});

interface CpuFigures {
  serviceCpuUs: number;
  dbCpuUs: number;
}

const cpuChecks = (load: string, c: CpuFigures): TargetCheck[] => [
  atMost(`${load} service CPU µs/op`, c.serviceCpuUs, TARGETS.serviceCpuUsPerOp),
  atMost(`${load} DB CPU µs/op`, c.dbCpuUs, TARGETS.dbCpuUsPerOp),
];

/** REST: throughput (only at the target's connection count), p99, errors and CPU per notarization. */
export function restChecks(
  r: CpuFigures & { requestsPerSec: number; p99: number; errors: number; non2xx: number },
  connections: number,
): TargetCheck[] {
  const throughput = atLeast(
    'REST per s',
    r.requestsPerSec,
    TARGETS.restPerSec,
    `≥ ${TARGETS.restPerSec} at ${TARGETS.restConnections} conns`,
  );
  return [
    { ...throughput, met: throughput.met && connections === TARGETS.restConnections },
    atMost('REST p99 ms', r.p99, TARGETS.restP99Ms),
    atMost('REST errors', r.errors + r.non2xx, TARGETS.restErrors),
    ...cpuChecks('REST', r),
  ];
}

export function grpcChecks(unary: CpuFigures & { callsPerSec: number }, stream: CpuFigures & { itemsPerSec: number }): TargetCheck[] {
  return [
    atLeast('gRPC unary per s', unary.callsPerSec, TARGETS.grpcUnaryPerSec),
    ...cpuChecks('gRPC unary', unary),
    atLeast('gRPC stream items per s', stream.itemsPerSec, TARGETS.streamItemsPerSec),
    ...cpuChecks('gRPC stream', stream),
  ];
}

/** Every level after the first within ±levelSpreadPct of the first's REST throughput. */
export function levelChecks(levels: { storedRows: number; requestsPerSec: number }[]): TargetCheck[] {
  const [first, ...rest] = levels;
  if (!first) return [];
  return rest.map((l) => {
    const pct = Math.round((l.requestsPerSec / first.requestsPerSec - 1) * 1000) / 10;
    return {
      figure: `REST at ${l.storedRows} stored vs ${first.storedRows}, %`,
      measured: pct,
      target: `within ±${TARGETS.levelSpreadPct}`,
      met: Math.abs(pct) <= TARGETS.levelSpreadPct,
    };
  });
}

export const soakCheck = (heapGrowthMiB: number): TargetCheck =>
  atMost('soak heap growth MiB', Math.round(heapGrowthMiB * 10) / 10, TARGETS.soakHeapGrowthMiB);

/** The checks as console.table rows: figure → measured, target, met. */
export const targetRows = (checks: TargetCheck[]): Record<string, object> =>
  Object.fromEntries(checks.map((c) => [c.figure, { measured: c.measured, target: c.target, met: c.met ? 'yes' : 'NO' }]));
