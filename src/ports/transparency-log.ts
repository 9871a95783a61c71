import type { HashName } from '../core/signing-algorithm.js';
import type { CommitUnit } from './colocated-append.js';

/** What gets anchored: a hashedrekord entry's three facts (0.0.1 on Rekor v1 and the embedded log, 0.0.2 on Rekor v2). */
export interface AnchorRequest {
  /** lowercase hex of the digest the signature covers: SHA-256 of the canonical bytes, SHA-384 for a P-384 key */
  digestHex: string;
  /** the digest's hash; absent means sha256 */
  hashAlgorithm?: HashName;
  signature: Buffer; // DER
  publicKeyPem: string;
}

export interface InclusionProof {
  logIndex: number;
  rootHash: string; // hex
  treeSize: number;
  hashes: string[]; // hex, leaf to root
  checkpoint: string; // C2SP signed note
}

/**
 * One logged entry in Rekor v1's shape (camelCase), for Rekor v1, Rekor v2 and the embedded log.
 * Rekor v2 issues neither an integrated time nor a SET: both are absent on its entries, and the
 * time proof is the RFC 3161 timestamp over the signature instead.
 */
export interface LogEntry {
  uuid: string; // hex leaf hash, on Rekor v1 optionally prefixed by a 16-hex-digit tree ID
  logIndex: number;
  integratedTime?: number; // unix seconds
  logID: string; // hex: SHA-256 of the log key's SPKI DER (v1); the checkpoint key ID (v2)
  body: string; // base64 canonical hashedrekord JSON
  inclusionProof: InclusionProof;
  signedEntryTimestamp?: string; // base64 DER ECDSA over canonical {body,integratedTime,logID,logIndex}
}

export interface LogInfo {
  logID: string;
  url: string;
  publicKeyPem: string;
  origin: string;
  /** Rekor API generation the log speaks: 1 (and the embedded log) or 2 */
  apiVersion: 1 | 2;
  /** the name on the log's checkpoint signature lines (an Ed25519 key ID commits to it) */
  keyName: string;
  /** C2SP vkey of an Ed25519 checkpoint key, for witnesses and tile clients */
  vkey?: string;
  /** where C2SP tlog-tiles are served (`<prefix>/checkpoint`, `<prefix>/tile/…`) */
  tilesUrl?: string;
}

/** Port: appends a signature to a transparency log and returns the verified entry. */
export interface TransparencyLog {
  readonly backend: string;
  /**
   * `unit` (only from a ColocatedAppend, only for a log in the store's database): the entry commits
   * with the notarization handed to `EvidenceStore.save` under the same unit.
   */
  append(request: AnchorRequest, unit?: CommitUnit): Promise<LogEntry>;
  info(): Promise<LogInfo>;
  ping(): Promise<void>;
  /** Throws when the log must not be written now (the embedded log failed its self-check): nothing is signed then. */
  writable?(): void;
  close(): Promise<void>;
}
