import type { StoredSignature } from '../../ports/evidence-store.js';
import type { NotaryError } from '../errors.js';
import type { Receipt } from '../receipt.js';
import type { Workflow, WorkflowStatus } from '../workflow.js';

export type Decision = 'approve' | 'reject';

/** One approver's recorded decision: who, what, when, why. */
export interface ApprovalDecision {
  approver: string;
  decision: Decision;
  comment: string | null;
  decided_at: string;
}

export interface ApprovalRequest {
  approvers: string[];
  quorum: number;
  expires_at: string;
}

/** What the approval state machine decides on. */
export interface ApprovalState {
  status: WorkflowStatus;
  request: ApprovalRequest;
  decisions: ApprovalDecision[];
  error_message: string | null;
}

/** A second signature, with the same key, over the approvals that authorized the evidence signature. */
export interface ApprovalAttestation {
  /** RFC 8785 JSON of {type, workflow_id, evidence_package_hash, approvals} */
  payload: string;
  signature_b64: string;
  key_id: string;
  key_version: number;
}

export type WebhookEvent = 'approval_required' | 'completed' | 'failed';

/** The JSON body of a webhook delivery. */
export interface WorkflowNotification {
  /** unique per notification: receivers deduplicate at-least-once deliveries on it */
  id: string;
  event: WebhookEvent;
  workflow_id: string;
  /** AFDP's word for the type (simple_signing, approval_signing, batch_signing) */
  workflow_type: string;
  status: WorkflowStatus;
  evidence_package_hash: string | null;
  error_message: string | null;
  occurred_at: string;
  details: Record<string, unknown>;
}

export type BatchItemStatus = 'pending' | 'signed' | 'failed';

export interface ItemError {
  code: string;
  message: string;
  field: string | null;
}

export interface BatchItemState {
  index: number;
  item_workflow_id: string;
  evidence_package_hash: string | null;
  status: BatchItemStatus;
  error: ItemError | null;
}

export interface BatchState {
  status: WorkflowStatus;
  items: BatchItemState[];
  error_message: string | null;
}

/** What a transition asks the store (inside its transaction) or the service (after commit) to do. */
export type Effect =
  | { kind: 'record_decision'; decision: ApprovalDecision }
  | { kind: 'store_approval_signature'; signature: StoredSignature; attestation: ApprovalAttestation }
  | { kind: 'store_item_signature'; index: number; signature: StoredSignature }
  | { kind: 'fail_item'; index: number; error: ItemError }
  | { kind: 'notify'; event: WebhookEvent; details: Record<string, unknown> }
  /** after commit: sign now (the store also takes the signing lease in the same transaction) */
  | { kind: 'sign' };

export interface Transition<S> {
  state: S;
  effects: Effect[];
  /** set when the request is refused although the state may still have moved (e.g. found expired) */
  refusal?: NotaryError;
}

export interface ApprovalStatus {
  approver: string;
  status: 'pending' | 'approved' | 'rejected';
  /** when the approver decided; while pending, when the approval was requested */
  timestamp: string;
  comment: string | null;
}

export interface BatchItemResult {
  index: number;
  status: BatchItemStatus;
  workflow_id: string | null;
  evidence_package_hash: string | null;
  receipt: Receipt | null;
  error: ItemError | null;
}

export interface BatchSummary {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  results: BatchItemResult[];
}

/** A workflow as the status endpoint shows it: the row plus what its type adds. */
export interface WorkflowView extends Workflow {
  approval_statuses?: ApprovalStatus[];
  quorum?: number;
  expires_at?: string;
  receipt?: Receipt | ApprovalReceipt;
  batch?: BatchSummary;
  /** in the answer to the request that sent the package: what was signed as given (unknown fields, odd hashes) */
  warnings?: string[];
  /** the same, per item, in the answer to a batch request */
  itemWarnings?: string[][];
  /** true when an earlier request under the same idempotency key created this workflow */
  replayed?: boolean;
}

/** An approval workflow's receipt: the evidence receipt plus the approvals bound to it. */
export type ApprovalReceipt = Receipt & { approvals: ApprovalDecision[]; approval_attestation: ApprovalAttestation };
