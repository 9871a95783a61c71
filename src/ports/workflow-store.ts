import type { AuditEntry } from './audit.js';
import type { CanonicalEvidence } from '../core/evidence.js';
import type { Workflow, WorkflowType } from '../core/workflow.js';
import type {
  ApprovalAttestation,
  ApprovalRequest,
  ApprovalState,
  BatchState,
  Effect,
  ItemError,
  Transition,
} from '../core/workflows/types.js';

/** A pure transition applied to the state the store just locked. */
export type Step<S> = (state: S) => Transition<S>;

export interface ApprovalRecord {
  workflow: Workflow;
  state: ApprovalState;
  attestation: ApprovalAttestation | null;
}

export interface BatchRecord {
  workflow: Workflow;
  state: BatchState;
}

export interface NewApproval {
  workflow: Workflow;
  evidence: CanonicalEvidence;
  request: ApprovalRequest;
  webhookUrl: string | null;
  /** at most one approval workflow per key: a second create with it stores nothing */
  idempotencyKey?: string;
  /** SHA-256 of the request's canonical form, kept with the key: a repeat must ask the same */
  requestHash?: string;
  /** committed in the same transaction as the workflow */
  audit?: AuditEntry;
}

export interface NewBatchItem {
  index: number;
  itemWorkflowId: string;
  /** null when the package failed validation: the item is failed from the start */
  evidence: CanonicalEvidence | null;
  error: ItemError | null;
}

export interface NewBatch {
  workflow: Workflow;
  items: NewBatchItem[];
  webhookUrl: string | null;
  /** at most one batch per key: a second create with it stores nothing */
  idempotencyKey?: string;
  requestHash?: string;
  /** committed in the same transaction as the batch */
  audit?: AuditEntry;
}

/** The workflow kept for a create: this one, or (idempotency key taken) an earlier one and what it was asked. */
export type Created = { id: string; created: true } | { id: string; created: false; requestHash: string | null };

export interface Claimed {
  id: string;
  type: WorkflowType;
}

/**
 * Port: durable approval and batch workflows. Every change goes through a pure transition (`Step`)
 * run on the state the store has just locked, and its effects (decisions, signatures, webhook
 * notifications, the signing lease) are written in the same transaction as the new state.
 */
export interface WorkflowStore {
  /**
   * Stores workflow, evidence and request, and applies `effects` (e.g. notify approval_required), atomically.
   * Returns the id of the workflow kept: an earlier one, and nothing stored, when its idempotency key was taken.
   */
  createApproval(approval: NewApproval, effects: Effect[]): Promise<Created>;
  /**
   * Stores the batch and its items; the caller holds the signing lease from then on. Under a key
   * already used, stores nothing and returns the earlier batch.
   */
  createBatch(batch: NewBatch, effects: Effect[]): Promise<Created>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** The approval workflows among `ids` (for listings): one query per page, not one per row. */
  getApprovals(ids: string[]): Promise<Map<string, ApprovalRecord>>;
  getBatch(id: string): Promise<BatchRecord | undefined>;
  /** Locks the workflow row (FOR UPDATE), runs `step` and persists the result; undefined if no such approval. */
  updateApproval(id: string, at: string, step: Step<ApprovalState>): Promise<Transition<ApprovalState> | undefined>;
  updateBatch(id: string, at: string, step: Step<BatchState>): Promise<Transition<BatchState> | undefined>;
  /** The canonical bytes of stored evidence: what a resumed workflow signs. */
  getCanonical(hashHex: string): Promise<Buffer | undefined>;
  /**
   * Takes the signing lease of up to `limit` running approval/batch workflows whose lease is free or
   * expired (a holder that died). FOR UPDATE SKIP LOCKED: two replicas never take the same row.
   */
  claimRunnable(limit: number, at: string): Promise<Claimed[]>;
  /** Gives the lease back: the workflow may be claimed again from `retryAt`; `error` records why. */
  releaseLease(id: string, retryAt: string, error: string | null): Promise<void>;
  /** Applies `step` to pending approvals whose expiry is due, skipping rows other replicas hold. */
  expireDue(limit: number, at: string, step: Step<ApprovalState>): Promise<string[]>;
}
