import { WORKFLOW_TYPE_NAMES, type Workflow, type WorkflowSummary } from '../../core/workflow.js';
import type { BatchItemResult, BatchSummary, WorkflowView } from '../../core/workflows/index.js';

/** The fields every workflow shows, under AFDP's names (workflow_type: simple_signing …). */
export const presentWorkflow = (w: Workflow) => ({
  workflow_id: w.id,
  workflow_type: WORKFLOW_TYPE_NAMES[w.type],
  status: w.status,
  created_at: w.created_at,
  completed_at: w.completed_at,
  error_message: w.error_message,
  evidence_package_hash: w.evidence_package_hash,
  updated_at: w.updated_at,
  submitted_by: w.submitted_by ?? null,
});

const approvalPart = (v: WorkflowView) =>
  v.approval_statuses ? { approval_statuses: v.approval_statuses, quorum: v.quorum, expires_at: v.expires_at } : {};

/** GET …/status and the approval routes: the workflow plus what its type adds (absent fields stay absent). */
export function presentView(v: WorkflowView) {
  return {
    ...presentWorkflow(v),
    ...approvalPart(v),
    ...(v.receipt && { receipt: v.receipt }),
    ...(v.batch && { batch: presentBatchSummary(v.batch) }),
    ...(v.warnings && { warnings: v.warnings }),
  };
}

/** A row of the listing: AFDP's WorkflowSummary names the package's event type and actor (empty for a batch). */
export const presentSummary = (w: WorkflowView & WorkflowSummary) => ({
  ...presentWorkflow(w),
  event_type: w.event_type ?? '',
  actor_id: w.actor_id ?? '',
  ...approvalPart(w),
});

/** An item as AFDP's SignEvidenceResponse: workflow_id a string, status `completed` once signed. */
const presentBatchItem = (r: BatchItemResult) => ({
  workflow_id: r.workflow_id ?? '',
  receipt: r.receipt,
  status: r.status === 'signed' ? 'completed' : r.status,
  index: r.index,
  evidence_package_hash: r.evidence_package_hash,
  error: r.error,
});

const presentBatchSummary = (b: BatchSummary) => ({
  total: b.total,
  succeeded: b.succeeded,
  failed: b.failed,
  pending: b.pending,
  results: b.results.map(presentBatchItem),
});

/** POST …/sign/batch: AFDP's BatchSignResponse first, then the batch workflow and its counts. */
export function presentBatch(v: WorkflowView) {
  const { status: _status, ...workflow } = presentWorkflow(v);
  const summary = presentBatchSummary(v.batch ?? { total: 0, succeeded: 0, failed: 0, pending: 0, results: [] });
  const { results, ...counts } = summary;
  const withWarnings = results.map((r) => ({ ...r, warnings: v.itemWarnings?.[r.index] ?? [] }));
  return { batch_workflow_id: v.id, results: withWarnings, status: v.status, ...workflow, ...counts };
}
