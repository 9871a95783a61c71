/**
 * One log entry checked in the browser as src/core/transparency/verify-entry.ts checks it for the
 * service and the offline CLI: the same checks, names and reasons (a Rekor v2 entry has no SET and
 * its log ID is the checkpoint key's ID). Body and inclusion proof are the core's own functions
 * (bundled from src/core); SET and checkpoint signatures are checked with WebCrypto against the
 * pinned log key.
 */
import { setPayloadBytes } from '../../../src/core/transparency/set.js';
import { isV2 } from '../../../src/core/transparency/hashedrekord.js';
import { checkBody, checkInclusion, type EntryCheck } from '../../../src/core/transparency/verify-entry.js';
import type { AnchorRequest, LogEntry } from '../../../src/ports/transparency-log.js';
import { verifyCheckpointNote } from './note.js';
import type { TrustedLog } from './trust-root.js';
import { sha256, toHex, verifySignature } from './webcrypto.js';

export async function verifyEntry(entry: LogEntry, log: TrustedLog, expected: AnchorRequest): Promise<EntryCheck[]> {
  const v2 = isV2(entry);
  return [
    await run('body', () => checkBody(entry, expected)),
    ...(v2 ? [] : [await run('set', () => checkSet(entry, log))]),
    await run('inclusion', () => checkInclusion(entry, v2)),
    await run('checkpoint', () => checkCheckpoint(entry, log, v2)),
  ];
}

async function run(check: EntryCheck['check'], fn: () => Promise<string> | string): Promise<EntryCheck> {
  try {
    return { check, ok: true, detail: await fn() };
  } catch (err) {
    return { check, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

async function checkSet(entry: LogEntry, log: TrustedLog): Promise<string> {
  const logId = toHex(await sha256(log.key.spki));
  if (String(entry.logID).toLowerCase() !== logId) throw new Error(`logID ${entry.logID} is not this log's key ID ${logId}`);
  const { signedEntryTimestamp, integratedTime } = entry;
  if (!signedEntryTimestamp || integratedTime === undefined) throw new Error('entry has no signedEntryTimestamp and integratedTime');
  if (!(await verifySignature(log.key, Buffer.from(signedEntryTimestamp, 'base64'), setPayloadBytes({ ...entry, integratedTime })))) {
    throw new Error('SET signature does not verify with the log key');
  }
  return `SET valid for logIndex ${entry.logIndex}`;
}

async function checkCheckpoint(entry: LogEntry, log: TrustedLog, v2: boolean): Promise<string> {
  const p = entry.inclusionProof;
  if (!p?.checkpoint) throw new Error('entry has no checkpoint');
  const cp = await verifyCheckpointNote(p.checkpoint, log, log.apiVersion === 2 ? log.keyName : undefined);
  if (v2 && String(entry.logID).toLowerCase() !== cp.keyId)
    throw new Error(`logID ${entry.logID} is not the checkpoint key ID ${cp.keyId}`);
  if (cp.size !== p.treeSize) throw new Error(`checkpoint size ${cp.size} is not the proof's tree size ${p.treeSize}`);
  if (cp.rootHash.toString('hex') !== String(p.rootHash).toLowerCase())
    throw new Error("checkpoint root hash is not the proof's root hash");
  return `checkpoint signed by the log: ${cp.origin} @ ${cp.size}`;
}
