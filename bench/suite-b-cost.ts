/**
 * What Suite B costs a signature: ECDSA P-256/SHA-256 vs P-384/SHA-384 sign and verify of each
 * fixture's RFC 8785 bytes with parsed KeyObjects (as the embedded keyring signs), and the
 * digest-only verification the loopback Rekor servers run. Prints medians of 5 runs.
 *   npx tsx bench/suite-b-cost.ts [--rounds 3000]
 */
import { sign, verify } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateEcKeyPair } from '../src/core/keys.js';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { prepareEvidence } from '../src/core/validate-evidence.js';
import { digestFor, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../src/core/signing-algorithm.js';
import { fixture } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3000' } } });
const rounds = Number(args.rounds);
const e = prepareEvidence(fixture(), DEFAULT_LIMITS);
console.log(`ECDSA per signature, ${e.canonical.length} B package, median of 5 runs of ${rounds}:`);
for (const algorithm of ['ecdsa-p256', 'ecdsa-p384'] as SigningAlgorithm[]) {
  const { privateKey, publicKey } = generateEcKeyPair(algorithm);
  const { hash } = SIGNING_ALGORITHMS[algorithm];
  const signUs: number[] = [],
    verifyUs: number[] = [],
    digestUs: number[] = [];
  let sig = sign(hash, e.canonical, privateKey);
  for (let run = 0; run < 5; run++) {
    let t = performance.now();
    for (let i = 0; i < rounds; i++) sig = sign(hash, e.canonical, privateKey);
    signUs.push(((performance.now() - t) * 1000) / rounds);
    t = performance.now();
    for (let i = 0; i < rounds; i++) verify(hash, e.canonical, publicKey, sig);
    verifyUs.push(((performance.now() - t) * 1000) / rounds);
    t = performance.now();
    for (let i = 0; i < rounds; i++) digestFor(algorithm, e.canonical);
    digestUs.push(((performance.now() - t) * 1000) / rounds);
  }
  console.log(
    `  ${SIGNING_ALGORITHMS[algorithm].label.padEnd(22)} sign ${median(signUs).toFixed(1)} µs  verify ${median(verifyUs).toFixed(1)} µs  digest ${median(digestUs).toFixed(2)} µs`,
  );
}
