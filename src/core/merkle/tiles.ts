/**
 * C2SP tlog-tiles (c2sp.org/tlog-tiles): resource paths, tile widths, entry bundles, and RFC 6962
 * inclusion proofs computed from tiles. The n-th tile at level l holds
 * MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) for i < width; the Merkle levels between tile
 * levels are recomputed by hashing within a tile.
 */
import { HASH_LEN, isPowerOfTwo, nodeHash, splitPoint } from './hash.js';

export const TILE_WIDTH = 256;
const TILE_HEIGHT = 8;

/** `x001/x234/067` for 1234067: 3-digit groups, all but the last prefixed with `x`. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad tile index ${n}`);
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Inverse of encodeTileIndex; undefined for anything the spec does not allow. */
export function decodeTileIndex(path: string): number | undefined {
  const parts = path.split('/');
  if (!parts.every((p, i) => (i < parts.length - 1 ? /^x\d{3}$/ : /^\d{3}$/).test(p))) return undefined;
  const n = Number(parts.map((p) => p.replace('x', '')).join(''));
  return Number.isSafeInteger(n) ? n : undefined;
}

export const tilePath = (level: number, index: number, width = TILE_WIDTH): string =>
  `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;

export const entriesPath = (index: number, width = TILE_WIDTH): string =>
  `tile/entries/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;

/** How many hashes tile (level, index) has in a tree of `size`: 256 when full, 0 when it does not exist. */
export function tileWidth(level: number, index: number, size: number): number {
  const nodes = Math.floor(size / TILE_WIDTH ** level); // complete nodes at this tile level
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/** Big-endian uint16 length-prefixed entries. */
export function encodeEntryBundle(entries: Uint8Array[]): Buffer {
  return Buffer.concat(
    entries.flatMap((e) => {
      if (e.length > 0xffff) throw new RangeError('an entry longer than 65535 bytes cannot be bundled');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(e.length);
      return [len, Buffer.from(e)];
    }),
  );
}

export function decodeEntryBundle(bundle: Buffer): Buffer[] {
  const entries: Buffer[] = [];
  for (let at = 0; at < bundle.length;) {
    if (at + 2 > bundle.length) throw new Error('truncated entry bundle');
    const len = bundle.readUInt16BE(at);
    if (at + 2 + len > bundle.length) throw new Error('truncated entry bundle');
    entries.push(bundle.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return entries;
}

/** Reads one tile (its `width` hashes, concatenated). */
export type TileReader = (level: number, index: number, width: number) => Promise<Buffer>;

/**
 * PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf to root, from tiles of a tree of `size`. The
 * caller checks it against a verified checkpoint: tiles are untrusted.
 */
export async function inclusionProofFromTiles(index: number, size: number, read: TileReader): Promise<Buffer[]> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} outside tree of size ${size}`);
  const tiles = new Map<string, Promise<Buffer>>();
  const tile = (level: number, n: number): Promise<Buffer> => {
    const key = `${level}/${n}`;
    let t = tiles.get(key);
    if (!t) {
      const width = tileWidth(level, n, size);
      t = read(level, n, width).then((b) => {
        if (b.length !== width * HASH_LEN) throw new Error(`tile ${level}/${n} has ${b.length} bytes, expected ${width * HASH_LEN}`);
        return b;
      });
      tiles.set(key, t);
    }
    return t;
  };
  /** The root of the complete subtree at Merkle `height` and position `i` (covers 2^height leaves). */
  const node = async (height: number, i: number): Promise<Buffer> => {
    const level = Math.floor(height / TILE_HEIGHT);
    const within = height % TILE_HEIGHT; // levels to hash inside the tile
    const first = i * 2 ** within; // first tile-level hash under this node
    const t = await tile(level, Math.floor(first / TILE_WIDTH));
    let row: Buffer[] = [];
    for (let k = 0; k < 2 ** within; k++)
      row.push(t.subarray(((first % TILE_WIDTH) + k) * HASH_LEN, ((first % TILE_WIDTH) + k + 1) * HASH_LEN));
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, k) => nodeHash(row[2 * k]!, row[2 * k + 1]!));
    return Buffer.from(row[0]!);
  };
  /** MTH(D[start:start+len]), start aligned to the largest power of two below len. */
  const subtree = async (start: number, len: number): Promise<Buffer> => {
    if (isPowerOfTwo(len)) return node(Math.round(Math.log2(len)), start / len);
    const k = splitPoint(len);
    return nodeHash(await node(Math.round(Math.log2(k)), start / k), await subtree(start + k, len - k));
  };
  const path: Promise<Buffer>[] = [];
  for (let start = 0, n = size, m = index; n > 1;) {
    const k = splitPoint(n);
    if (m < k) {
      path.push(subtree(start + k, n - k));
      n = k;
    } else {
      path.push(subtree(start, k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return (await Promise.all(path)).reverse();
}
