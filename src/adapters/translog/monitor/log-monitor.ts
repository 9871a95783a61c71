/**
 * A monitor of a Rekor-shaped transparency log (the embedded log's read API, or a one-shard Rekor
 * v1): follows its signed checkpoints over time and checks that each extends the one verified
 * before (consistency proof), and that every leaf added in between is there as logged: its body
 * hashes to its leaf, its SET and inclusion proof verify, and its proof leads to a verified root.
 */
import type { KeyObject } from 'node:crypto';
import { verifyConsistency } from '../../../core/merkle/index.js';
import { describeFailures, entryIsValid, verifyCheckpoint, verifyLogEntry } from '../../../core/transparency/index.js';
import type { LogEntry } from '../../../ports/transparency-log.js';
import { toLogEntry } from '../rekor/to-log-entry.js';

/** What a monitor keeps between runs: the newest checkpoint it verified. */
export interface MonitorState {
  size: number;
  root_hash: string; // hex
  checkpoint: string;
  verified_at: string;
}

export interface MonitorOptions {
  url: string;
  logKey: KeyObject;
  /** the checkpoint origin the log must sign (the trust root's); undefined: any */
  origin?: string;
  previous?: MonitorState;
  concurrency?: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class LogMonitorError extends Error {}

export interface MonitorRun {
  state: MonitorState;
  /** leaves checked in this run */
  entries: number;
  from: number;
}

export async function monitorLog(o: MonitorOptions): Promise<MonitorRun> {
  const get = getter(o);
  const head = (await get('/api/v1/log')) as { treeSize?: unknown; rootHash?: unknown; signedTreeHead?: unknown };
  const cp = checked(() => verifyCheckpoint(String(head.signedTreeHead), o.logKey, o.origin), "the log's checkpoint");
  const root = cp.rootHash.toString('hex');
  if (cp.size !== head.treeSize || root !== head.rootHash)
    throw new LogMonitorError('the log reports a size or root its signed checkpoint does not say');
  const from = o.previous?.size ?? 0;
  const proofs = new ConsistencyCache(get);
  if (o.previous) {
    if (cp.size < from) throw new LogMonitorError(`the log shrank: ${from} entries were verified, its checkpoint now says ${cp.size}`);
    await proofs.check(from, o.previous.root_hash, cp.size, root, 'the verified checkpoint');
  }
  await forEachLimited(from, cp.size, o.concurrency ?? 8, async (index) => {
    const entry = await fetchEntry(get, index);
    const checks = verifyLogEntry(entry, o.logKey);
    if (!entryIsValid(checks)) throw new LogMonitorError(`entry ${index}: ${describeFailures(checks)}`);
    if (entry.logIndex !== index || entry.inclusionProof.logIndex !== index)
      throw new LogMonitorError(`entry ${index} says it is at index ${entry.logIndex}`);
    // its proof leads to a root the log signed (checked above): that root must extend the verified one
    await proofs.check(cp.size, root, entry.inclusionProof.treeSize, entry.inclusionProof.rootHash.toLowerCase(), `entry ${index}'s proof`);
  });
  return {
    state: { size: cp.size, root_hash: root, checkpoint: String(head.signedTreeHead), verified_at: new Date().toISOString() },
    entries: cp.size - from,
    from,
  };
}

/** Consistency between two (size, root) pairs, each pair of sizes fetched once. */
class ConsistencyCache {
  private readonly done = new Map<string, Promise<void>>();

  constructor(private readonly get: (path: string) => Promise<unknown>) {}

  check(sizeA: number, rootA: string, sizeB: number, rootB: string, what: string): Promise<void> {
    const [m, rm, n, rn] = sizeA <= sizeB ? [sizeA, rootA, sizeB, rootB] : [sizeB, rootB, sizeA, rootA];
    const key = `${m}:${rm}:${n}:${rn}`;
    let p = this.done.get(key);
    if (!p) this.done.set(key, (p = this.run(m, rm, n, rn, what)));
    return p;
  }

  private async run(m: number, rootM: string, n: number, rootN: string, what: string): Promise<void> {
    if (m === n) {
      if (rootM !== rootN) throw new LogMonitorError(`${what}: two roots for tree size ${n}: the log forked`);
      return;
    }
    if (m === 0) return;
    const proof = (await this.get(`/api/v1/log/proof?firstSize=${m}&lastSize=${n}`)) as { hashes?: unknown };
    const hashes = Array.isArray(proof.hashes) ? proof.hashes.map((h) => Buffer.from(String(h), 'hex')) : [];
    if (!verifyConsistency(m, n, hashes, Buffer.from(rootM, 'hex'), Buffer.from(rootN, 'hex'))) {
      throw new LogMonitorError(
        `${what}: the tree of size ${n} does not extend the one of size ${m} (consistency proof fails): the log was rewritten`,
      );
    }
  }
}

async function fetchEntry(get: (path: string) => Promise<unknown>, index: number): Promise<LogEntry> {
  const body = (await get(`/api/v1/log/entries?logIndex=${index}`)) as Record<string, unknown>;
  const [uuid, value] = Object.entries(body)[0] ?? [];
  if (uuid === undefined) throw new LogMonitorError(`entry ${index}: empty answer`);
  return checked(() => toLogEntry(uuid, value), `entry ${index}`);
}

function getter(o: MonitorOptions) {
  const f = o.fetch ?? fetch;
  const base = o.url.replace(/\/+$/, '');
  return async (path: string): Promise<unknown> => {
    const res = await f(`${base}${path}`, { signal: AbortSignal.timeout(o.timeoutMs ?? 10_000), headers: { accept: 'application/json' } });
    if (res.status === 404 && path.startsWith('/api/v1/log/entries'))
      throw new LogMonitorError(`${path}: not found: an entry the checkpoint counts is missing`);
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return res.json();
  };
}

function checked<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (err) {
    throw new LogMonitorError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function forEachLimited(from: number, to: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, Math.max(0, to - from)) }, worker));
}
