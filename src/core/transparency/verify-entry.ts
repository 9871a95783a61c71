/**
 * Offline verification of one Rekor-shaped log entry against the log's public key. Each check
 * reports separately and never throws, so callers (receipt verifiers, the Rekor adapters) can say
 * exactly what is wrong with an answer. A hashedrekord 0.0.2 entry (Rekor v2) has no SET: its
 * checks are body, inclusion and checkpoint, and its log ID is the checkpoint key's ID.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AnchorRequest, LogEntry } from '../../ports/transparency-log.js';
import { leafHash, verifyInclusion } from '../merkle/index.js';
import { verifyCheckpoint } from './checkpoint.js';
import { isV2, parseHashedRekordBody } from './hashedrekord.js';
import { logIdFromPublicKey } from './note-key.js';
import { verifySET } from './set.js';

export interface EntryCheck {
  check: 'body' | 'set' | 'inclusion' | 'checkpoint';
  ok: boolean;
  detail: string;
}

const HEX32 = /^[0-9a-f]{64}$/i;

export interface EntryVerifyOptions {
  /** the log's checkpoint key name (Ed25519 key IDs commit to it); any name the key matches otherwise */
  keyName?: string;
}

export function verifyLogEntry(
  entry: LogEntry,
  logPublicKey: KeyObject,
  expected?: AnchorRequest,
  options: EntryVerifyOptions = {},
): EntryCheck[] {
  const v2 = isV2(entry);
  return [
    run('body', () => checkBody(entry, expected)),
    ...(v2 ? [] : [run('set', () => checkSet(entry, logPublicKey))]),
    run('inclusion', () => checkInclusion(entry, v2)),
    run('checkpoint', () => checkCheckpoint(entry, logPublicKey, v2, options.keyName)),
  ];
}

export function entryIsValid(checks: readonly EntryCheck[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok);
}

/** "set: SET signature does not verify; inclusion: …" for error messages. */
export function describeFailures(checks: readonly EntryCheck[]): string {
  return checks
    .filter((c) => !c.ok)
    .map((c) => `${c.check}: ${c.detail}`)
    .join('; ');
}

function run(check: EntryCheck['check'], fn: () => string): EntryCheck {
  try {
    return { check, ok: true, detail: fn() };
  } catch (err) {
    return { check, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Exported for the console, which runs it in the browser (it needs no key: the signatures are checked apart). */
export function checkBody(entry: LogEntry, expected?: AnchorRequest): string {
  const body = parseHashedRekordBody(entry.body);
  // Rekor's entry UUID is the leaf hash, optionally prefixed by a 16-hex-digit tree ID.
  const leaf = leafHash(Buffer.from(entry.body, 'base64')).toString('hex');
  const uuid = String(entry.uuid ?? '').toLowerCase();
  if (uuid !== leaf && !(uuid.length === 80 && uuid.endsWith(leaf))) {
    throw new Error(`entry uuid ${entry.uuid} is not the leaf hash of the body (${leaf})`);
  }
  if (!expected) return 'hashedrekord body parsed; no expected anchor to compare';
  const [bodyHash, wantHash] = [body.hashAlgorithm ?? 'sha256', expected.hashAlgorithm ?? 'sha256'];
  if (bodyHash !== wantHash) throw new Error(`body digest is ${bodyHash}, the anchored one ${wantHash}`);
  if (body.digestHex.toLowerCase() !== expected.digestHex.toLowerCase()) {
    throw new Error(`body digest ${body.digestHex} is not the anchored digest ${expected.digestHex}`);
  }
  if (!body.signature.equals(expected.signature)) throw new Error('body signature is not the anchored signature');
  if (!samePublicKey(body.publicKeyPem, expected.publicKeyPem)) throw new Error('body public key is not the anchored key');
  return 'body holds the anchored digest, signature and key';
}

function samePublicKey(a: string, b: string): boolean {
  if (a.trim() === b.trim()) return true;
  try {
    const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}

function checkSet(entry: LogEntry, key: KeyObject): string {
  const logId = logIdFromPublicKey(key);
  if (String(entry.logID).toLowerCase() !== logId) throw new Error(`logID ${entry.logID} is not this log's key ID ${logId}`);
  const { signedEntryTimestamp, integratedTime } = entry;
  if (!signedEntryTimestamp || integratedTime === undefined) throw new Error('entry has no signedEntryTimestamp and integratedTime');
  if (!verifySET({ ...entry, signedEntryTimestamp, integratedTime }, key))
    throw new Error('SET signature does not verify with the log key');
  return `SET valid for logIndex ${entry.logIndex}`;
}

/** Exported for the console, which runs it in the browser. */
export function checkInclusion(entry: LogEntry, v2: boolean): string {
  const p = entry.inclusionProof;
  if (!p) throw new Error('entry has no inclusion proof');
  // Rekor v2 has one index per entry (no shard-local index)
  if (v2 && p.logIndex !== entry.logIndex)
    throw new Error(`inclusion proof index ${p.logIndex} is not the entry's index ${entry.logIndex}`);
  if (!HEX32.test(p.rootHash ?? '')) throw new Error('inclusion proof rootHash is not 32-byte hex');
  if (!Array.isArray(p.hashes) || !p.hashes.every((h) => HEX32.test(h))) {
    throw new Error('inclusion proof hashes are not 32-byte hex');
  }
  const leaf = leafHash(Buffer.from(entry.body, 'base64'));
  const hashes = p.hashes.map((h) => Buffer.from(h, 'hex'));
  // The proof's logIndex is shard-local on sharded Rekor; the entry's logIndex is global.
  if (!verifyInclusion(leaf, p.logIndex, p.treeSize, hashes, Buffer.from(p.rootHash, 'hex'))) {
    throw new Error(`leaf is not included at index ${p.logIndex} of tree size ${p.treeSize} under root ${p.rootHash}`);
  }
  return `leaf included at ${p.logIndex} of ${p.treeSize}`;
}

function checkCheckpoint(entry: LogEntry, key: KeyObject, v2: boolean, keyName?: string): string {
  const p = entry.inclusionProof;
  if (!p?.checkpoint) throw new Error('entry has no checkpoint');
  const cp = verifyCheckpoint(p.checkpoint, key, undefined, keyName);
  if (v2 && String(entry.logID).toLowerCase() !== cp.key.id.toString('hex')) {
    throw new Error(`logID ${entry.logID} is not the checkpoint key ID ${cp.key.id.toString('hex')}`);
  }
  if (cp.size !== p.treeSize) throw new Error(`checkpoint size ${cp.size} is not the proof's tree size ${p.treeSize}`);
  if (cp.rootHash.toString('hex') !== String(p.rootHash).toLowerCase()) {
    throw new Error("checkpoint root hash is not the proof's root hash");
  }
  return `checkpoint signed by the log: ${cp.origin} @ ${cp.size}`;
}
