// Published RFC 6962 vectors from transparency-dev/merkle (testonly/constants.go, proof/verify_test.go).
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MerkleTree,
  leafHash,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/merkle/index.js';

const hx = (s: string): Buffer => Buffer.from(s, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hx);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hx);
// [index (0-based), size, proof]
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const tree8 = new MerkleTree(LEAVES.map((l) => leafHash(l)));
const flip = (b: Buffer, i = 0): Buffer => Buffer.from(b.map((x, j) => (j === i ? x ^ 8 : x)));

describe('RFC 6962 reference vectors', () => {
  it('empty root and leaf hashes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0].toString('hex'));
    expect(new MerkleTree().root().equals(EMPTY_ROOT)).toBe(true);
    expect(leafHash(LEAVES[1]).toString('hex')).toBe('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
  });

  it('roots of every prefix of the 8-leaf tree', () => {
    for (let n = 0; n <= 8; n++) expect(tree8.root(n).toString('hex'), `size ${n}`).toBe(ROOTS[n].toString('hex'));
  });

  it.each(INCLUSION)('inclusion proof for leaf %i in tree of %i', (index, size, hashes) => {
    const proof = hashes.map(hx);
    expect(tree8.inclusionProof(index, size).map((h) => h.toString('hex'))).toEqual(hashes);
    const leaf = leafHash(LEAVES[index]);
    expect(verifyInclusion(leaf, index, size, proof, ROOTS[size])).toBe(true);
    expect(rootFromInclusionProof(leaf, index, size, proof)?.equals(ROOTS[size])).toBe(true);
    // Corruptions from transparency-dev/merkle's corruptInclusionProof.
    expect(verifyInclusion(leaf, index + 1, size, proof, ROOTS[size])).toBe(false);
    expect(verifyInclusion(leaf, index, size * 2, proof, ROOTS[size])).toBe(false);
    expect(verifyInclusion(leaf, index, size, proof, EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leaf, index, size, [...proof, ROOTS[size]], ROOTS[size])).toBe(false);
    expect(verifyInclusion(leaf, index, size, [ROOTS[size], ...proof], ROOTS[size])).toBe(false);
    expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), ROOTS[size])).toBe(false);
    proof.forEach((_, i) => {
      const bad = proof.map((p, j) => (j === i ? flip(p) : p));
      expect(verifyInclusion(leaf, index, size, bad, ROOTS[size])).toBe(false);
    });
  });

  it.each(CONSISTENCY)('consistency proof %i -> %i', (m, n, hashes) => {
    const proof = hashes.map(hx);
    expect(tree8.consistencyProof(m, n).map((h) => h.toString('hex'))).toEqual(hashes);
    expect(verifyConsistency(m, n, proof, ROOTS[m], ROOTS[n])).toBe(true);
    if (proof.length === 0) return;
    expect(verifyConsistency(m, n, proof, ROOTS[n], ROOTS[m])).toBe(false);
    expect(verifyConsistency(m, n, [], ROOTS[m], ROOTS[n])).toBe(false);
    expect(verifyConsistency(m + 1, n, proof, ROOTS[m], ROOTS[n])).toBe(false);
    expect(verifyConsistency(m, n, proof.slice(0, -1), ROOTS[m], ROOTS[n])).toBe(false);
    expect(verifyConsistency(m, n, [...proof, ROOTS[m]], ROOTS[m], ROOTS[n])).toBe(false);
    proof.forEach((_, i) => {
      const bad = proof.map((p, j) => (j === i ? flip(p) : p));
      expect(verifyConsistency(m, n, bad, ROOTS[m], ROOTS[n])).toBe(false);
    });
  });

  it('consistency edge cases follow transparency-dev/merkle', () => {
    const r1 = ROOTS[1];
    const r2 = ROOTS[2];
    expect(verifyConsistency(0, 0, [], r1, r1)).toBe(true);
    expect(verifyConsistency(0, 1, [], r1, r2)).toBe(true);
    expect(verifyConsistency(1, 1, [], r1, r2)).toBe(false);
    expect(verifyConsistency(2, 1, [], r1, r2)).toBe(false);
    expect(verifyConsistency(1, 2, [], r1, r2)).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], r1, r1)).toBe(false);
  });

  it('rejects out-of-range inclusion queries', () => {
    expect(verifyInclusion(leafHash(LEAVES[0]), 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leafHash(LEAVES[0]), 1, 1, [], ROOTS[1])).toBe(false);
    expect(verifyInclusion(Buffer.alloc(5), 0, 1, [], ROOTS[1])).toBe(false);
    expect(() => tree8.inclusionProof(8)).toThrow(RangeError);
    expect(() => tree8.root(9)).toThrow(RangeError);
  });
});
