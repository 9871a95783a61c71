import type { LogEntry, LogInfo } from './transparency-log.js';

/** Where the embedded log serves its C2SP tiles (and says so in its LogInfo). */
export const TILES_PATH = '/api/v1/log/tiles';

/** What the doors read of a log the notary runs itself: checkpoints, entries, proofs and tiles. */
export interface LogReads {
  readonly logID: string;
  info(): Promise<LogInfo>;
  checkpoint(): Promise<{ treeSize: number; rootHash: string; note: string }>;
  entry(by: { uuid: string } | { logIndex: number }): Promise<LogEntry | undefined>;
  consistencyProof(firstSize: number, lastSize: number): Promise<{ rootHash: string; hashes: string[] }>;
  /** a tile's hashes within treeSize; undefined when it lies beyond */
  tileHashes(level: number, index: number, width: number, treeSize: number): Buffer | undefined;
  leafData(from: number, count: number): Promise<Buffer[] | undefined>;
}
