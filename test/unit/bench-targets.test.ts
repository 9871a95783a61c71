import { describe, expect, it } from 'vitest';
import { levelChecks, restChecks, TARGETS } from '../../bench/targets.js';

const rest = { requestsPerSec: 6_000, p99: 40, errors: 0, non2xx: 0, serviceCpuUs: 150, dbCpuUs: 100 };
const met = (checks: { figure: string; met: boolean }[]) => Object.fromEntries(checks.map((c) => [c.figure, c.met]));

describe('bench targets (issue #20)', () => {
  it('meets REST throughput only at the target connection count', () => {
    expect(met(restChecks(rest, TARGETS.restConnections))['REST per s']).toBe(true);
    expect(met(restChecks(rest, 256))['REST per s']).toBe(false);
  });

  it('counts non-2xx answers as errors, and a figure not measured (NaN) meets nothing', () => {
    const checks = met(restChecks({ ...rest, non2xx: 1, dbCpuUs: NaN }, TARGETS.restConnections));
    expect(checks['REST errors']).toBe(false);
    expect(checks['REST DB CPU µs/op']).toBe(false);
    expect(checks['REST service CPU µs/op']).toBe(true);
  });

  it('holds each stored-rows level within ±10 % of the first, both ways', () => {
    const checks = levelChecks([
      { storedRows: 1_000, requestsPerSec: 1_000 },
      { storedRows: 100_000, requestsPerSec: 1_100 },
      { storedRows: 1_000_000, requestsPerSec: 899 },
    ]);
    expect(checks.map((c) => [c.measured, c.met])).toEqual([
      [10, true],
      [-10.1, false],
    ]);
  });
});
