import type { MerkleTree } from '../../../core/merkle/index.js';
import { runAll, unnestInsert } from '../../db/statements.js';
import { type SqlQueryable, type Statement } from '../../db/sql-client.js';

export interface Integrated {
  index: number;
  body: Buffer;
  integratedTime: number;
  set: string; // base64
}

export interface Signers {
  set: (index: number, body: Buffer, time: number) => string;
  checkpoint: (size: number, root: Buffer) => string;
}

export interface Integration {
  /** each leaf with its leaf hash (the entry's UUID), in the order given */
  integrated: (Integrated & { hash: Buffer })[];
  treeSize: number;
  note: string;
  /** the new leaves and checkpoint, to be committed by the caller */
  statements: Statement[];
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
  sign: Signers,
): Promise<Integration> {
  const { rows } = await tx.query<{ leaf_hash: string; idx: string; integrated_time: string; set_signature: string }>(
    'SELECT leaf_hash, idx::text, integrated_time::text, set_signature FROM log_leaves WHERE leaf_hash = ANY($1::text[])',
    [leaves.map((l) => l.hash.toString('hex'))],
  );
  const known = new Map<string, Integrated>();
  for (const r of rows) {
    known.set(r.leaf_hash, {
      index: Number(r.idx),
      body: Buffer.alloc(0),
      integratedTime: Number(r.integrated_time),
      set: r.set_signature,
    });
  }
  const integration = planIntegration(tree, leaves, known, integratedTime, sign);
  await runAll(tx, integration.statements);
  return integration;
}

/**
 * Extends `tree` with the leaves not in `known` and returns the rows that record them. Pure apart
 * from the tree: the caller commits the statements, or rebuilds the tree if it cannot.
 */
export function planIntegration(
  tree: MerkleTree,
  leaves: { body: Buffer; hash: Buffer }[],
  known: Map<string, Integrated>,
  integratedTime: number,
  sign: Signers,
): Integration {
  const fresh: (Integrated & { hash: Buffer })[] = [];
  const integrated = leaves.map(({ body, hash }) => {
    const hex = hash.toString('hex');
    const seen = known.get(hex);
    if (seen) return { ...seen, body, hash };
    const index = tree.append(hash);
    const leaf = { index, body, integratedTime, set: sign.set(index, body, integratedTime), hash };
    known.set(hex, leaf);
    fresh.push(leaf);
    return leaf;
  });
  const treeSize = tree.size;
  const root = tree.root(treeSize);
  const note = sign.checkpoint(treeSize, root);
  const statements: Statement[] =
    fresh.length === 0
      ? []
      : [
          unnestInsert(
            'INSERT INTO log_leaves (idx, leaf_hash, body, integrated_time, set_signature)',
            ['bigint', 'text', 'text', 'bigint', 'text'],
            fresh.map((l) => [l.index, l.hash.toString('hex'), l.body.toString('utf8'), l.integratedTime, l.set]),
          ),
          {
            text: 'INSERT INTO log_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3)',
            params: [treeSize, root.toString('hex'), note],
          },
        ];
  return { integrated, treeSize, note, statements };
}
