import type { EvidencePackage } from './evidence.js';

export type WorkflowStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type WorkflowType = 'simple_sign' | 'approval_sign' | 'batch_sign';

export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

/**
 * The words AFDP's REST API, gRPC API and webhooks use for workflow types (its Rust handlers and
 * proto comment: simple_signing, approval_signing, batch_signing). Pulsar messages keep the
 * `WorkflowType` enum's own words (simple_sign …), as AFDP's serde writes them there.
 */
export const WORKFLOW_TYPE_NAMES: Readonly<Record<WorkflowType, string>> = {
  simple_sign: 'simple_signing',
  approval_sign: 'approval_signing',
  batch_sign: 'batch_signing',
};

export interface Workflow {
  id: string;
  type: WorkflowType;
  status: WorkflowStatus;
  /** null only for a batch_sign workflow, which covers many packages (each item has its own workflow) */
  evidence_package_hash: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  error_message: string | null;
  /** the authenticated principal that submitted it; null: anonymous (auth off) or not recorded */
  submitted_by?: string | null;
}

/** A workflow in a listing: AFDP's summary also names the event type and actor of its evidence (null: a batch). */
export interface WorkflowSummary extends Workflow {
  event_type: string | null;
  actor_id: string | null;
}

/** A workflow that signed one package: the only kind a receipt is made from. */
export type SignedWorkflow = Workflow & { evidence_package_hash: string };

export interface StoredEvidence {
  evidence_package_hash: string;
  evidence_package: EvidencePackage;
  event_type: string;
  actor_id: string;
  created_at: string;
  workflow_ids: string[];
  /** the authenticated principal that first submitted this package (actor_id is what the package claims) */
  submitted_by?: string | null;
}

/** Stored evidence whose body retention removed (issue 22): the clear fields, signature, log entry and receipt remain. */
export interface PurgedEvidence extends Omit<StoredEvidence, 'evidence_package'> {
  purged_at: string;
}

export const isPurged = (e: StoredEvidence | PurgedEvidence): e is PurgedEvidence => 'purged_at' in e;
