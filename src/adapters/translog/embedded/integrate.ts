import type { MerkleTree } from '../../../core/merkle/index.js';
import { valuesList } from '../../store/group-commit.js';
import type { SqlQueryable } from '../../store/sql-client.js';

export interface Integrated {
  index: number;
  body: Buffer;
  integratedTime: number;
  set: string; // base64
}

/**
 * Within the caller's locked transaction: reuse the index of leaves already logged (a retried
 * anchoring must not log twice), append the new ones, and store one signed checkpoint.
 */
export async function integrateBatch(
  tx: SqlQueryable,
  tree: MerkleTree,
  leaves: { body: Buffer; hash: Buffer }[],
  integratedTime: number,
  signSet: (index: number, body: Buffer, time: number) => string,
  signCheckpoint: (size: number, root: Buffer) => string,
): Promise<{ integrated: Integrated[]; treeSize: number; note: string }> {
  const { rows } = await tx.query<{ leaf_hash: Uint8Array; idx: string; integrated_time: string; set_signature: Uint8Array }>(
    'SELECT leaf_hash, idx::text, integrated_time::text, set_signature FROM log_leaves WHERE leaf_hash = ANY($1::bytea[])',
    [leaves.map((l) => l.hash)]);
  const known = new Map<string, Integrated>();
  for (const r of rows) {
    const hex = Buffer.from(r.leaf_hash).toString('hex');
    known.set(hex, { index: Number(r.idx), body: Buffer.alloc(0), integratedTime: Number(r.integrated_time), set: Buffer.from(r.set_signature).toString('base64') });
  }
  const fresh: (Integrated & { hash: Buffer })[] = [];
  const integrated = leaves.map(({ body, hash }) => {
    const hex = hash.toString('hex');
    const seen = known.get(hex);
    if (seen) return { ...seen, body };
    const index = tree.append(hash);
    const leaf = { index, body, integratedTime, set: signSet(index, body, integratedTime), hash };
    known.set(hex, leaf);
    fresh.push(leaf);
    return leaf;
  });
  if (fresh.length > 0) {
    await tx.query(
      `INSERT INTO log_leaves (idx, leaf_hash, body, integrated_time, set_signature) VALUES ${valuesList(fresh.length, ['::bigint', '::bytea', '::bytea', '::bigint', '::bytea'])}`,
      fresh.flatMap((l) => [l.index, l.hash, l.body, l.integratedTime, Buffer.from(l.set, 'base64')]));
  }
  const treeSize = tree.size;
  const root = tree.root(treeSize);
  const note = signCheckpoint(treeSize, root);
  if (fresh.length > 0) {
    await tx.query('INSERT INTO log_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)', [treeSize, root, note]);
  }
  return { integrated, treeSize, note };
}
