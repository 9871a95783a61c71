/** Pure mapper from Rekor's JSON entry to the port's LogEntry; throws Error on a missing field. */
import type { LogEntry } from '../../../ports/transparency-log.js';

export function toLogEntry(uuid: string, rekorJson: unknown): LogEntry {
  // untrusted JSON from Rekor, walked field by field: every field read is type-checked before use
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const e = rekorJson as Record<string, any>;
  if (typeof e !== 'object' || e === null) throw new Error('entry is not an object');
  const p = e.verification?.inclusionProof;
  const set = e.verification?.signedEntryTimestamp;
  if (!p) throw new Error('entry has no verification.inclusionProof');
  if (typeof set !== 'string') throw new Error('entry has no verification.signedEntryTimestamp');
  return {
    uuid: str(uuid, 'uuid'),
    logIndex: int(e.logIndex, 'logIndex'),
    integratedTime: int(e.integratedTime, 'integratedTime'),
    logID: str(e.logID, 'logID'),
    body: str(e.body, 'body'),
    inclusionProof: {
      logIndex: int(p.logIndex, 'inclusionProof.logIndex'),
      rootHash: str(p.rootHash, 'inclusionProof.rootHash'),
      treeSize: int(p.treeSize, 'inclusionProof.treeSize'),
      hashes: Array.isArray(p.hashes)
        ? p.hashes.map((h: unknown, i: number) => str(h, `inclusionProof.hashes[${i}]`))
        : fail('inclusionProof.hashes'),
      checkpoint: str(p.checkpoint, 'inclusionProof.checkpoint'),
    },
    signedEntryTimestamp: set,
  };
}

function fail(field: string): never {
  throw new Error(`entry field ${field} is missing or has the wrong type`);
}
const str = (v: unknown, field: string): string => (typeof v === 'string' && v !== '' ? v : fail(field));
const int = (v: unknown, field: string): number => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail(field));
