import { EMPTY_ROOT, nodeHash } from './hash.js';

/**
 * The RFC 6962 root of leaves streamed in order, in O(log n) memory: the roots of the complete
 * subtrees along the right edge (a compact range), merged as leaves arrive. For checking a stored
 * log of any size without holding its tree.
 */
export class RootBuilder {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leafHash: Buffer): void {
    let node = { size: 1, hash: leafHash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return Buffer.from(EMPTY_ROOT);
    let r = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i]!.hash, r);
    return r;
  }
}
