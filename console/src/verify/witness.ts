/**
 * A personal witness: the browser keeps the last checkpoint of the log it saw (localStorage) and, on
 * each visit, checks that the log it sees now is an extension of it, with a consistency proof
 * (RFC 9162 §2.1.4, the core's own verifier). A log that shrank, changed its root at the same size,
 * or cannot prove consistency is shown as a fork, and the evidence (both signed checkpoints) is kept
 * until the user clears it.
 */
import { verifyConsistency } from '../../../src/core/merkle/index.js';
import { verifyCheckpointNote } from './note.js';
import type { TrustRoot } from './trust-root.js';

export interface SeenCheckpoint {
  origin: string;
  size: number;
  /** hex */
  rootHash: string;
  /** the signed note as the log served it */
  note: string;
  seenAt: string;
}

export interface ForkEvidence {
  previous: SeenCheckpoint;
  current: SeenCheckpoint;
  reason: string;
  detectedAt: string;
}

export type WitnessVerdict =
  | { state: 'first'; current: SeenCheckpoint }
  | { state: 'same'; current: SeenCheckpoint; previous: SeenCheckpoint }
  | { state: 'consistent'; current: SeenCheckpoint; previous: SeenCheckpoint; proofLength: number }
  | { state: 'fork'; fork: ForkEvidence }
  | { state: 'unverified'; reason: string };

export interface LogReader {
  info(): Promise<{ rootHash: string; treeSize: number; signedTreeHead: string }>;
  consistency(firstSize: number, lastSize: number): Promise<{ rootHash: string; hashes: string[] }>;
}

const HEX32 = /^[0-9a-f]{64}$/;
const storageKey = (trust: TrustRoot, what: string) => `afdp-console.witness.${trust.log.logId || trust.fingerprint}.${what}`;

function read<T>(storage: Storage, key: string): T | undefined {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

export const lastSeen = (trust: TrustRoot, storage: Storage = localStorage) => read<SeenCheckpoint>(storage, storageKey(trust, 'last'));
export const recordedFork = (trust: TrustRoot, storage: Storage = localStorage) => read<ForkEvidence>(storage, storageKey(trust, 'fork'));
export const clearFork = (trust: TrustRoot, storage: Storage = localStorage) => storage.removeItem(storageKey(trust, 'fork'));

/** Checks the log's current checkpoint against the last one this browser saw, and remembers it if it extends it. */
export async function witness(
  reader: LogReader,
  trust: TrustRoot,
  storage: Storage = localStorage,
  now = new Date(),
): Promise<WitnessVerdict> {
  const info = await reader.info();
  let current: SeenCheckpoint;
  try {
    const cp = await verifyCheckpointNote(info.signedTreeHead, trust.log, trust.log.apiVersion === 2 ? trust.log.keyName : undefined);
    const rootHash = cp.rootHash.toString('hex');
    if (cp.size !== info.treeSize || rootHash !== String(info.rootHash).toLowerCase()) {
      return {
        state: 'unverified',
        reason: `the signed checkpoint (${cp.size}, ${rootHash}) is not the tree the log reports (${info.treeSize}, ${info.rootHash})`,
      };
    }
    current = { origin: cp.origin, size: cp.size, rootHash, note: cp.note, seenAt: now.toISOString() };
  } catch (err) {
    return { state: 'unverified', reason: `the log's checkpoint does not verify with the pinned log key: ${(err as Error).message}` };
  }

  const previous = lastSeen(trust, storage);
  const remember = () => storage.setItem(storageKey(trust, 'last'), JSON.stringify(current));
  const forked = (reason: string): WitnessVerdict => {
    const fork = { previous: previous!, current, reason, detectedAt: now.toISOString() };
    storage.setItem(storageKey(trust, 'fork'), JSON.stringify(fork));
    return { state: 'fork', fork };
  };
  if (!previous) {
    remember();
    return { state: 'first', current };
  }
  if (current.size < previous.size) return forked(`the log shrank from ${previous.size} to ${current.size} entries`);
  if (current.size === previous.size) {
    if (current.rootHash !== previous.rootHash)
      return forked(`at size ${current.size} the root hash changed from ${previous.rootHash} to ${current.rootHash}`);
    remember();
    return { state: 'same', current, previous };
  }
  let proof: string[] = [];
  if (previous.size > 0) {
    try {
      const answer = await reader.consistency(previous.size, current.size);
      if (String(answer.rootHash).toLowerCase() !== current.rootHash)
        return forked(`the consistency proof is for root ${answer.rootHash}, not the checkpoint's ${current.rootHash}`);
      proof = answer.hashes;
    } catch (err) {
      return forked(`the log gave no consistency proof from ${previous.size} to ${current.size}: ${(err as Error).message}`);
    }
  }
  const ok =
    proof.every((h) => HEX32.test(h)) &&
    verifyConsistency(
      previous.size,
      current.size,
      proof.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(previous.rootHash, 'hex'),
      Buffer.from(current.rootHash, 'hex'),
    );
  if (!ok)
    return forked(
      `the tree of size ${current.size} is not an extension of the tree of size ${previous.size} this browser saw (consistency proof fails)`,
    );
  remember();
  return { state: 'consistent', current, previous, proofLength: proof.length };
}
