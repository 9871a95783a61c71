import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, phaseTimes, type Phase } from '../../bench/cpu-profile-top.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
const SRC = 'file:///repo/dist';

/**
 * root → fastify hook runner → our metrics hook → prom-client (leaf), and → the Notary → crypto
 * (leaf); plus GC and idle at the root. Each sample is 1 ms (the weight is the next delta).
 */
const profile = {
  startTime: 0,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('hookRunner', 'file:///repo/node_modules/fastify/lib/hooks.js'), children: [3, 5] },
    { id: 3, callFrame: frame('onResponse', `${SRC}/observability/http-metrics-plugin.js`), children: [4] },
    { id: 4, callFrame: frame('observe', 'file:///repo/node_modules/prom-client/lib/histogram.js') },
    { id: 5, callFrame: frame('notarize', `${SRC}/core/notary.js`), children: [8] },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('(idle)') },
    { id: 8, callFrame: frame('signOneShot', 'node:internal/crypto/sig') },
  ],
  samples: [4, 4, 3, 8, 8, 8, 2, 6, 7, 7],
  timeDeltas: Array<number>(10).fill(1000),
};

describe('cpu-profile-top phases (inclusive time)', () => {
  it('charges each sample to the phase of the frame nearest its leaf, reading dist/*.js as src/*.ts', () => {
    const times = Object.fromEntries(phaseTimes(profile, DEFAULT_PHASES));
    expect(times).toEqual({
      'metrics (hooks and port decorators)': 3000, // prom-client under our hook counts for the hook
      'Notary pipeline (core)': 3000, // crypto under the core counts for the core
      fastify: 1000,
      GC: 1000,
      '(idle)': 2000,
    });
  });

  it('keeps samples under no phase apart, and honours the window', () => {
    const only: Phase[] = [['notary', /src\/core\/notary\.ts$/]];
    expect(Object.fromEntries(phaseTimes(profile, only))).toEqual({ notary: 3000, '(other)': 5000, '(idle)': 2000 });
    expect(Object.fromEntries(phaseTimes(profile, only, 3500, 6500))).toEqual({ notary: 3000 });
  });
});
