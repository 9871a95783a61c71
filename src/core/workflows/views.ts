import type { ApprovalRecord, BatchRecord } from '../../ports/workflow-store.js';
import type { Receipt } from '../receipt.js';
import type { Workflow } from '../workflow.js';
import { approvalsOf } from './approval-machine.js';
import { countItems } from './batch-machine.js';
import type { WorkflowDeps } from './context.js';
import type { ApprovalReceipt, ApprovalState, ApprovalStatus, BatchItemResult, BatchSummary, WorkflowView } from './types.js';

/**
 * One line per approver, in the order the request listed them. `timestamp` is when the approver
 * decided, or, still pending, when the approval was requested (AFDP's status always carries a date).
 */
export function approvalStatuses(state: ApprovalState, requestedAt: string): ApprovalStatus[] {
  return state.request.approvers.map((approver) => {
    const d = state.decisions.find((x) => x.approver === approver);
    return {
      approver,
      status: !d ? 'pending' : d.decision === 'approve' ? 'approved' : 'rejected',
      timestamp: d?.decided_at ?? requestedAt,
      comment: d?.comment ?? null,
    };
  });
}

export const approvalFields = (record: ApprovalRecord) => ({
  approval_statuses: approvalStatuses(record.state, record.workflow.created_at),
  quorum: record.state.request.quorum,
  expires_at: record.state.request.expires_at,
});

/** The evidence receipt plus the approvals and the attestation that binds them to it. */
export function withApprovals(receipt: Receipt, record: ApprovalRecord): Receipt | ApprovalReceipt {
  if (!record.attestation) return receipt;
  return { ...receipt, approvals: approvalsOf(record.state), approval_attestation: record.attestation };
}

export async function approvalView(deps: WorkflowDeps, workflow: Workflow, record: ApprovalRecord): Promise<WorkflowView> {
  const view: WorkflowView = { ...workflow, ...approvalFields(record) };
  if (workflow.status === 'completed') view.receipt = withApprovals(await deps.notary.getReceipt(workflow.id), record);
  return view;
}

export async function batchView(deps: WorkflowDeps, workflow: Workflow, record: BatchRecord): Promise<WorkflowView> {
  const results = await Promise.all(
    record.state.items.map(async (item): Promise<BatchItemResult> => ({
      index: item.index,
      status: item.status,
      workflow_id: item.status === 'signed' ? item.item_workflow_id : null,
      evidence_package_hash: item.evidence_package_hash,
      receipt: item.status === 'signed' ? await deps.notary.getReceipt(item.item_workflow_id) : null,
      error: item.error,
    })),
  );
  const batch: BatchSummary = { ...countItems(record.state.items), results };
  return { ...workflow, batch };
}
