// Property tests: the indexed tree against a naive transcription of RFC 6962 §2.1 (MTH, PATH, PROOF).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../src/core/merkle/index.js';

const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of 2 < n
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0];
  return nodeHash(mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

const N = 70;
const leaves = Array.from({ length: N }, (_, i) => leafHash(Buffer.from(`leaf-${i}`)));
const tree = new MerkleTree();
leaves.forEach((l) => tree.append(l));
const hex = (a: Buffer[]): string[] => a.map((b) => b.toString('hex'));

describe('MerkleTree against the naive RFC 6962 definitions, sizes 1..70', () => {
  it('root(n) = MTH(D[0:n])', () => {
    for (let n = 0; n <= N; n++) expect(tree.root(n).equals(mth(leaves.slice(0, n)))).toBe(true);
  });

  it('inclusionProof(i, n) = PATH(i, D[0:n]) and verifies', () => {
    for (let n = 1; n <= N; n++) {
      const d = leaves.slice(0, n);
      const root = mth(d);
      for (let i = 0; i < n; i++) {
        const p = tree.inclusionProof(i, n);
        expect(hex(p)).toEqual(hex(path(i, d)));
        expect(verifyInclusion(leaves[i], i, n, p, root)).toBe(true);
        if (n > 1) expect(verifyInclusion(leaves[(i + 1) % n], i, n, p, root)).toBe(false);
      }
    }
  });

  it('consistencyProof(m, n) = PROOF(m, D[0:n]) and verifies', () => {
    for (let n = 1; n <= N; n++) {
      const d = leaves.slice(0, n);
      const rootN = mth(d);
      for (let m = 1; m <= n; m++) {
        const p = tree.consistencyProof(m, n);
        expect(hex(p)).toEqual(hex(m === n ? [] : subproof(m, d, true)));
        const rootM = mth(leaves.slice(0, m));
        expect(verifyConsistency(m, n, p, rootM, rootN)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, p, rootN, rootM)).toBe(false);
      }
    }
  });

  it('answers the same while it grows, asked at sizes in any order (the ragged-edge cache)', () => {
    const growing = new MerkleTree();
    const sizes = (n: number) => [n, Math.max(1, n - 3), n, Math.ceil(n / 2), n];
    for (let n = 1; n <= N; n++) {
      growing.append(leaves[n - 1]);
      if (n % 3 !== 0) continue; // a commit batch of 3, then every entry's root and proof, between other sizes
      for (const size of sizes(n)) {
        const d = leaves.slice(0, size);
        const root = growing.root(size);
        expect(root.toString('hex')).toBe(mth(d).toString('hex'));
        for (let i = Math.max(0, size - 3); i < size; i++) expect(hex(growing.inclusionProof(i, size))).toEqual(hex(path(i, d)));
        if (size < n) expect(hex(growing.consistencyProof(size, n))).toEqual(hex(subproof(size, leaves.slice(0, n), true)));
        root.fill(0); // what a caller does with an answer never reaches the next one
        growing.inclusionProof(size - 1, size).forEach((h) => h.fill(0));
      }
    }
  });

  // its speed is measured by bench/merkle-tree.ts: a clock in a unit test fails beside other test files
  it('proves inclusion and consistency at a million leaves', () => {
    const big = new MerkleTree();
    const leaf = leafHash(Buffer.from('x'));
    for (let i = 0; i < 1_000_000; i++) big.append(leaf);
    for (let i = 0; i < 1000; i++) {
      const size = 999_000 + i;
      const idx = (i * 7919) % size;
      expect(verifyInclusion(leaf, idx, size, big.inclusionProof(idx, size), big.root(size))).toBe(true);
    }
    expect(big.consistencyProof(123_457, 1_000_000).length).toBeLessThanOrEqual(40);
  }, 120_000);
});
