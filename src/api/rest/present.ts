import type { Workflow } from '../../core/workflow.js';

/** AFDP's workflow status shape on the wire. */
export const presentWorkflow = (w: Workflow) => ({
  workflow_id: w.id,
  workflow_type: w.type,
  status: w.status,
  evidence_package_hash: w.evidence_package_hash,
  created_at: w.created_at,
  updated_at: w.updated_at,
  completed_at: w.completed_at,
  error_message: w.error_message,
  submitted_by: w.submitted_by ?? null,
});
