// C2SP tlog-tiles: paths and widths as the spec's examples state them; proofs from tiles equal the tree's own.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeEntryBundle,
  decodeTileIndex,
  encodeEntryBundle,
  encodeTileIndex,
  entriesPath,
  inclusionProofFromTiles,
  leafHash,
  MerkleTree,
  tilePath,
  tileWidth,
} from '../../src/core/merkle/index.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

describe('tile paths and widths (c2sp.org/tlog-tiles)', () => {
  it('encodes indexes in x-prefixed 3-digit groups', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(decodeTileIndex('x001/x234/067')).toBe(1234067);
    for (const bad of ['1234067', 'x001/234/067', '001/x234', 'x1/067', '067/', '0067']) expect(decodeTileIndex(bad)).toBeUndefined();
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(1, 5, 17)).toBe('tile/1/005.p/17');
    expect(entriesPath(273, 112)).toBe('tile/entries/273.p/112');
  });

  it('a tree of 70,000: 273 full level-0 tiles, a partial of 112, one full level-1 tile and a partial of 17, a level-2 partial of 1', () => {
    expect(tileWidth(0, 272, 70_000)).toBe(256);
    expect(tileWidth(0, 273, 70_000)).toBe(112);
    expect(tileWidth(0, 274, 70_000)).toBe(0);
    expect(tileWidth(1, 0, 70_000)).toBe(256);
    expect(tileWidth(1, 1, 70_000)).toBe(17);
    expect(tileWidth(2, 0, 70_000)).toBe(1);
    expect(tileWidth(1, 0, 256)).toBe(1); // "a tree of size 256 … a partial level 1 tile of width 1"
  });

  it('entry bundles are uint16 length-prefixed and round-trip', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 7)];
    const bundle = encodeEntryBundle(entries);
    expect(bundle.subarray(0, 3)).toEqual(Buffer.from([0, 1, 0x61]));
    expect(decodeEntryBundle(bundle)).toEqual(entries);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/truncated/);
  });
});

describe('inclusion proofs from tiles', () => {
  it.each([1, 2, 3, 255, 256, 257, 511, 512, 1000, 70_000])("equal the tree's own proofs at size %i", async (size) => {
    const tree = new MerkleTree(leaves(size));
    const reads: string[] = [];
    const read = async (level: number, index: number, width: number) => {
      reads.push(`${level}/${index}/${width}`);
      return tree.hashesAt(level * 8, index * 256, width);
    };
    const seed = createHash('sha256').update(String(size)).digest();
    const picks = [0, size - 1, Math.floor(size / 2), seed.readUInt32BE(0) % size, seed.readUInt32BE(4) % size];
    for (const i of picks) {
      const proof = await inclusionProofFromTiles(i, size, read);
      expect(proof.map((h) => h.toString('hex'))).toEqual(tree.inclusionProof(i, size).map((h) => h.toString('hex')));
    }
    // a proof reads at most one tile per tile level and side of the path
    expect(new Set(reads).size).toBeLessThanOrEqual(picks.length * 2 * Math.ceil(Math.log2(size + 1) / 8 + 1));
  });

  it('refuses a tile of the wrong length and an index outside the tree', async () => {
    const tree = new MerkleTree(leaves(10));
    await expect(inclusionProofFromTiles(3, 10, async () => Buffer.alloc(5))).rejects.toThrow(/expected 320/);
    await expect(inclusionProofFromTiles(10, 10, async (l, i, w) => tree.hashesAt(l * 8, i * 256, w))).rejects.toThrow(RangeError);
  });
});
