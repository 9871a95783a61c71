/**
 * Pure mappers to the port's LogEntry for Rekor v2 entries. As rekor-tiles' CLIENTS.md asks, the
 * tree size and root hash are taken from the (separately verified) checkpoint, not from the
 * inclusion proof's own copies; there is no integrated time and no SET.
 */
import { leafHash } from '../../../core/merkle/index.js';
import { parseCheckpoint, parseSignedNote } from '../../../core/transparency/index.js';
import type { LogEntry } from '../../../ports/transparency-log.js';
import type { TleJson } from './client.js';

const b64hex = (b64: unknown, field: string): string => {
  if (typeof b64 !== 'string') throw new Error(`entry field ${field} is missing`);
  return Buffer.from(b64, 'base64').toString('hex');
};

export function tleToLogEntry(tle: TleJson): LogEntry {
  if (tle?.kindVersion?.kind !== 'hashedrekord' || tle.kindVersion.version !== '0.0.2') {
    throw new Error(`entry is ${String(tle?.kindVersion?.kind)} ${String(tle?.kindVersion?.version)}, not hashedrekord 0.0.2`);
  }
  const p = tle.inclusionProof;
  if (!p || typeof p.checkpoint?.envelope !== 'string' || !Array.isArray(p.hashes))
    throw new Error('entry has no inclusion proof with a checkpoint');
  const logIndex = Number(tle.logIndex);
  if (!/^\d+$/.test(String(tle.logIndex)) || !Number.isSafeInteger(logIndex)) throw new Error('entry logIndex is not an int64');
  return fromParts(
    logIndex,
    b64hex(tle.logId?.keyId, 'logId.keyId'),
    Buffer.from(String(tle.canonicalizedBody ?? ''), 'base64'),
    p.hashes.map((h, i) => b64hex(h, `inclusionProof.hashes[${i}]`)),
    p.checkpoint.envelope,
    Number(p.logIndex),
  );
}

/** An entry from its parts (an answer's, or read back from tiles). */
export function fromParts(
  logIndex: number,
  logIdHex: string,
  body: Buffer,
  hashesHex: string[],
  checkpoint: string,
  proofIndex = logIndex,
): LogEntry {
  if (body.length === 0) throw new Error('entry has no canonicalizedBody');
  const cp = parseCheckpoint(parseSignedNote(checkpoint).body);
  return {
    uuid: leafHash(body).toString('hex'),
    logIndex,
    logID: logIdHex,
    body: body.toString('base64'),
    inclusionProof: { logIndex: proofIndex, rootHash: cp.rootHash.toString('hex'), treeSize: cp.size, hashes: hashesHex, checkpoint },
  };
}
