import type { HashName } from '../core/signing-algorithm.js';
import type { CanonicalEvidence } from '../core/evidence.js';
import type { PurgedEvidence, SignedWorkflow, StoredEvidence, Workflow, WorkflowStatus, WorkflowSummary } from '../core/workflow.js';
import type { AuditEntry } from './audit.js';
import type { CommitUnit } from './colocated-append.js';
import type { SignedTimestamp } from './timestamp-authority.js';
import type { LogEntry } from './transparency-log.js';

export interface SignedDigest {
  hash: HashName;
  hex: string;
}

export interface StoredSignature {
  keyId: string;
  keyVersion: number;
  signature: Buffer;
  publicKeyPem: string;
  signedAt: string;
  /** what a P-384 (or any non-SHA-256) signature covers; absent: the evidence hash, SHA-256 */
  signedDigest?: SignedDigest;
  /**
   * The RFC 3161 timestamp over `signature`; 'pending' while the TSA could not be reached (the
   * anchorer retries); absent when timestamps are off or the signature predates them.
   */
  timestamp?: SignedTimestamp | 'pending';
}

export interface StoredAnchor {
  entry: LogEntry;
  logUrl: string;
}

/** One notarization as the store keeps it: evidence, workflow, signature and (once known) its anchor. */
export interface NotarizationRecord {
  workflow: SignedWorkflow;
  evidence: CanonicalEvidence;
  signature: StoredSignature;
  anchor?: StoredAnchor;
  /** the audit row of this notarization: committed in the same transaction, never after the answer */
  audit?: AuditEntry;
}

export interface ReceiptRecord {
  workflow: SignedWorkflow;
  signature: StoredSignature;
  anchor: StoredAnchor | null;
}

export interface WorkflowQuery {
  pageSize: number;
  /** opaque cursor from a previous page */
  pageToken?: string;
  status?: WorkflowStatus;
  startTime?: string;
  endTime?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

/** A page of the workflow listing, with how many workflows match the filters on all pages. */
export interface WorkflowPage extends Page<WorkflowSummary> {
  totalCount: number;
}

export interface EvidenceQuery {
  artifactHash?: string;
  eventType?: string;
  actorId?: string;
  /** stored at or after (ISO 8601) */
  startTime?: string;
  /** stored before (ISO 8601) */
  endTime?: string;
  pageSize: number;
  pageToken?: string;
}

export type IdempotencyClaim = { claimed: true } | { claimed: false; requestHash: string; workflowId: string };

export interface PendingTimestamp {
  workflowId: string;
  signature: Buffer;
}

export interface PendingAnchor {
  workflowId: string;
  digestHex: string;
  hashAlgorithm?: HashName;
  signature: Buffer;
  publicKeyPem: string;
}

/** Port: durable storage of evidence, workflows, signatures and anchors. */
export interface EvidenceStore {
  /**
   * Resolves once the record is durably committed (adapters may group-commit). With `unit` (from a
   * ColocatedAppend), it commits with the log entry handed to `TransparencyLog.append` under the
   * same unit, and the store records that entry as its anchor.
   */
  save(record: NotarizationRecord, unit?: CommitUnit): Promise<void>;
  saveAnchor(workflowId: string, anchor: StoredAnchor): Promise<void>;
  /** Claims an idempotency key for a workflow before any signature is made. */
  claimIdempotencyKey(key: string, requestHash: string, workflowId: string): Promise<IdempotencyClaim>;
  releaseIdempotencyKey(key: string, workflowId: string): Promise<void>;
  getWorkflow(id: string): Promise<Workflow | undefined>;
  getReceiptRecord(workflowId: string): Promise<ReceiptRecord | undefined>;
  listWorkflows(query: WorkflowQuery): Promise<WorkflowPage>;
  /** Purged: retention removed the body (issue 22); the clear fields and workflows remain. */
  getEvidence(hashHex: string): Promise<StoredEvidence | PurgedEvidence | undefined>;
  /** Bodies that retention purged are left out. */
  findEvidence(query: EvidenceQuery): Promise<Page<StoredEvidence>>;
  /** Signatures whose anchoring has not succeeded yet, oldest first. */
  pendingAnchors(limit: number): Promise<PendingAnchor[]>;
  /** Stores a timestamp for a signature saved with a pending one; a second one for the same signature is ignored. */
  saveTimestamp(workflowId: string, timestamp: SignedTimestamp): Promise<void>;
  /** Signatures still waiting for their timestamp, oldest first. */
  pendingTimestamps(limit: number): Promise<PendingTimestamp[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
