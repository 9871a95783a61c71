/**
 * The embedded log checked against itself, trusting nothing it stored but its own signatures: every
 * leaf hash is recomputed from the stored body, the tree from those hashes, and the result must be
 * the tree the latest signed checkpoint commits to. A database writer who edits a body, replaces a
 * leaf hash, or removes the newest checkpoints is caught here, before the log signs anything new.
 */
import type { KeyObject } from 'node:crypto';
import { leafHash, RootBuilder } from '../../../core/merkle/index.js';
import { verifyCheckpoint } from '../../../core/transparency/index.js';
import type { SqlClient } from '../../db/sql-client.js';

export type IntegrityCheck = { ok: true; size: number; rootHash: string } | { ok: false; reason: string };

const PAGE = 5000;

export async function checkStoredLog(db: SqlClient, publicKey: KeyObject, origin: string): Promise<IntegrityCheck> {
  // one snapshot: leaves and checkpoint as of the same commit (every batch commits both together)
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows: cps } = await tx.query<{ size: string; root_hash: string; note: string }>(
      'SELECT tree_size::text AS size, root_hash, note FROM log_checkpoints ORDER BY log_checkpoints.tree_size DESC LIMIT 1',
    );
    const builder = new RootBuilder();
    for (;;) {
      // the text cast under another name: ORDER BY a text column called idx would sort "10" before "2"
      const { rows } = await tx.query<{ i: string; leaf_hash: string; body: string }>(
        'SELECT idx::text AS i, leaf_hash, body FROM log_leaves WHERE idx >= $1 ORDER BY log_leaves.idx LIMIT $2',
        [builder.size, PAGE],
      );
      for (const r of rows) {
        if (Number(r.i) !== builder.size) return fail(`leaf ${builder.size} is missing (the next stored leaf is ${r.i})`);
        const recomputed = leafHash(Buffer.from(r.body, 'utf8'));
        if (recomputed.toString('hex') !== r.leaf_hash) return fail(`leaf ${r.i}: its stored hash is not the hash of its stored body`);
        builder.push(recomputed);
      }
      if (rows.length < PAGE) break;
    }
    const cp = cps[0];
    if (!cp)
      return builder.size === 0
        ? { ok: true, size: 0, rootHash: builder.root().toString('hex') }
        : fail(`${builder.size} leaves but no signed checkpoint`);
    let signed;
    try {
      signed = verifyCheckpoint(cp.note, publicKey, origin);
    } catch (err) {
      return fail(`the latest checkpoint (size ${cp.size}): ${(err as Error).message}`);
    }
    if (signed.size !== Number(cp.size) || signed.rootHash.toString('hex') !== cp.root_hash)
      return fail(`the latest checkpoint row (size ${cp.size}) is not what its note signs`);
    if (builder.size !== signed.size)
      return fail(`${builder.size} leaves are stored but the latest signed checkpoint covers ${signed.size}`);
    if (!builder.root().equals(signed.rootHash))
      return fail(`the tree of the stored leaves is not the tree the checkpoint of size ${signed.size} signs`);
    return { ok: true, size: builder.size, rootHash: cp.root_hash };
  });
}

const fail = (reason: string): IntegrityCheck => ({ ok: false, reason });
