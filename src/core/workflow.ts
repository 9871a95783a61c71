import type { EvidencePackage } from './evidence.js';

export type WorkflowStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type WorkflowType = 'simple_sign' | 'approval_sign' | 'batch_sign';

export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

export interface Workflow {
  id: string;
  type: WorkflowType;
  status: WorkflowStatus;
  evidence_package_hash: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  error_message: string | null;
}

export interface StoredEvidence {
  evidence_package_hash: string;
  evidence_package: EvidencePackage;
  event_type: string;
  actor_id: string;
  created_at: string;
  workflow_ids: string[];
}
