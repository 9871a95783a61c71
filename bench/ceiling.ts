import { sign } from 'node:crypto';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { prepareEvidence } from '../src/core/validate-evidence.js';
import { generateP256KeyPair } from '../src/core/keys.js';

/**
 * The in-process ceiling on one core: parse + validate + RFC 8785 + SHA-256 + ECDSA sign, with a
 * key parsed once — what a notarization costs before any HTTP, storage or anchoring.
 */
export function measureCeiling(bodies: string[], seconds = 3): { opsPerSec: number } {
  const { privateKey } = generateP256KeyPair();
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const body = bodies[ops % bodies.length]!;
      const ev = prepareEvidence((JSON.parse(body) as { evidence_package: unknown }).evidence_package, DEFAULT_LIMITS);
      sign('sha256', ev.canonical, privateKey);
      ops++;
    }
  }
  return { opsPerSec: Math.round(ops / seconds) };
}
