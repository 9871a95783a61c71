/**
 * In-memory RFC 6962 Merkle tree. levels[k][i] is the root of the complete subtree over leaves
 * [i·2^k, (i+1)·2^k): appending fills at most log n new cells (amortized O(1)), and any subtree
 * MTH(D[start:start+len]) the RFC recursion asks for is one cell plus O(log n) hashes of its ragged
 * right edge, so roots cost O(log n) and proofs O(log² n) for every size up to the current one.
 */
import { EMPTY_ROOT, HASH_LEN, isPowerOfTwo, nodeHash, splitPoint } from './hash.js';

/**
 * The hashes of one level packed into one growable buffer. A Buffer object per hash costs ~4x its
 * 32 bytes in heap; a log of millions of entries keeps every node in memory.
 */
class HashLevel {
  private buf = Buffer.alloc(HASH_LEN * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_LEN > this.buf.length) {
      const grown = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(grown);
      this.buf = grown;
    }
    this.buf.set(hash, this.length * HASH_LEN);
    this.length++;
  }

  /** A view, valid for reading: entries never change once written. */
  at(i: number): Buffer {
    return this.buf.subarray(i * HASH_LEN, (i + 1) * HASH_LEN);
  }
}

export class MerkleTree {
  private readonly levels: HashLevel[] = [new HashLevel()];
  /**
   * MTH of the ragged subtrees (a length that is no power of two) that end at `raggedEnd`, by start.
   * A root or proof at size n hashes only ragged subtrees ending at n (its right edge), and the
   * embedded log asks for a root and a proof per entry of a commit batch at one size, which re-hashed
   * that edge for each entry. A subtree's hash never changes once its leaves exist.
   */
  private readonly ragged = new Map<number, Buffer>();
  private raggedEnd = -1;

  constructor(leafHashes: Buffer[] = []) {
    for (const h of leafHashes) this.append(h);
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends a leaf hash (already SHA-256(0x00||data)) and returns its index. */
  append(leafHash: Buffer): number {
    if (leafHash.length !== 32) throw new Error(`leaf hash must be 32 bytes, got ${leafHash.length}`);
    const index = this.levels[0].length;
    this.levels[0].push(leafHash);
    // Close every subtree this leaf completes: while the level has an even count, hash the last pair.
    for (let k = 0; this.levels[k].length % 2 === 0; k++) {
      const level = this.levels[k];
      if (!this.levels[k + 1]) this.levels[k + 1] = new HashLevel();
      this.levels[k + 1].push(nodeHash(level.at(level.length - 2), level.at(level.length - 1)));
    }
    return index;
  }

  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return Buffer.from(size === 0 ? EMPTY_ROOT : this.subtree(0, size)); // a copy, never a view of the cache
  }

  /** PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf to root. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} outside tree of size ${size}`);
    }
    const path: Buffer[] = [];
    let start = 0;
    let n = size;
    let m = index;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        path.push(this.subtree(start + k, n - k));
        n = k;
      } else {
        path.push(this.subtree(start, k));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return path.reverse().map((h) => Buffer.from(h)); // leaf-up wire order; copies, not cache views
  }

  /** PROOF(m, D[0:n]) of RFC 6962 §2.1.2; empty for m = 0 or m = n. */
  consistencyProof(m: number, n: number = this.size): Buffer[] {
    this.checkSize(n);
    if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`bad consistency range ${m}..${n}`);
    if (m === 0 || m === n) return [];
    const proof: Buffer[] = [];
    let start = 0;
    let size = n;
    let first = m;
    let whole = true; // the RFC's "b": true while the old tree is still a prefix of this subtree
    while (first !== size) {
      const k = splitPoint(size);
      if (first <= k) {
        proof.push(this.subtree(start + k, size - k));
        size = k;
      } else {
        proof.push(this.subtree(start, k));
        start += k;
        first -= k;
        size -= k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.subtree(start, size));
    return proof.reverse().map((h) => Buffer.from(h));
  }

  /**
   * `count` consecutive complete-subtree hashes at Merkle height `height` from position `first`,
   * concatenated: a C2SP tile is 256 of them at height 8·level. Throws if one is not complete yet.
   */
  hashesAt(height: number, first: number, count: number): Buffer {
    const level = this.levels[height];
    if (!level || !Number.isSafeInteger(first) || first < 0 || count < 0 || first + count > level.length) {
      throw new RangeError(`no ${count} complete nodes at height ${height} from ${first}`);
    }
    return Buffer.concat(Array.from({ length: count }, (_, k) => level.at(first + k)));
  }

  /** MTH of leaves [start, start+len); start is always aligned to the largest power of two ≤ len. */
  private subtree(start: number, len: number): Buffer {
    if (isPowerOfTwo(len)) return this.cell(start, len);
    if (start + len !== this.raggedEnd) {
      this.ragged.clear();
      this.raggedEnd = start + len;
    }
    let hash = this.ragged.get(start);
    if (!hash) {
      const k = splitPoint(len);
      hash = nodeHash(this.cell(start, k), this.subtree(start + k, len - k));
      this.ragged.set(start, hash);
    }
    return hash;
  }

  private cell(start: number, len: number): Buffer {
    const level = Math.round(Math.log2(len));
    return this.levels[level].at(start / len);
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} outside 0..${this.size}`);
    }
  }
}
