/**
 * In-memory RFC 6962 tree cost at a million leaves: appends, then 1,000 inclusion proofs checked
 * against a root (the figures the unit test used to assert with a clock, which is flaky beside
 * other test files), and the embedded log's pattern: commit batches of 32 appends, each entry then
 * given the root and its inclusion proof at the batch's size (CPU µs per entry).
 *   npx tsx bench/merkle-tree.ts [--leaves 1000000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { MerkleTree, leafHash, verifyInclusion } from '../src/core/merkle/index.js';
import { median } from './stats.js';

const { values } = parseArgs({ options: { leaves: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const leaves = Number(values.leaves);
const runs = Number(values.runs);
const append: number[] = [];
const proofs: number[] = [];
const batches: number[] = [];
for (let r = 0; r < runs; r++) {
  const tree = new MerkleTree();
  const leaf = leafHash(Buffer.from('x'));
  const t0 = performance.now();
  for (let i = 0; i < leaves; i++) tree.append(leaf);
  append.push(performance.now() - t0);
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const size = leaves - 1000 + i;
    const idx = (i * 7919) % size;
    if (!verifyInclusion(leaf, idx, size, tree.inclusionProof(idx, size), tree.root(size)))
      throw new Error(`proof ${idx}/${size} does not verify`);
  }
  proofs.push(performance.now() - t1);
  const cpu = process.cpuUsage();
  for (let b = 0; b < 1000; b++) {
    const first = tree.size;
    for (let i = 0; i < 32; i++) tree.append(leaf);
    for (let i = first; i < tree.size; i++) {
      tree.root(tree.size);
      tree.inclusionProof(i, tree.size);
    }
  }
  const used = process.cpuUsage(cpu);
  batches.push((used.user + used.system) / 32_000);
}
console.log(
  `${leaves} appends: median ${median(append).toFixed(0)} ms; 1,000 inclusion proofs: median ${median(proofs).toFixed(0)} ms (${runs} runs)`,
);
console.log(`commit batches of 32: root + inclusion proof per entry, median ${median(batches).toFixed(1)} µs of CPU per entry`);
