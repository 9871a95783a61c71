import { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import type { WorkflowQuery } from '../../ports/evidence-store.js';
import { WORKFLOW_STATUSES, WORKFLOW_TYPE_NAMES, type WorkflowStatus, type WorkflowSummary } from '../../core/workflow.js';
import type { WorkflowService, WorkflowView } from '../../core/workflows/index.js';
import { toApprovalStatusMsg, toWorkflowTimes, workflowStatusName } from './present.js';
import { isoToTimestamp, timestampToRfc3339 } from './struct.js';
import type { TimestampMsg } from './wire.js';

/**
 * Approval workflows are described by the workflow service (their approvers' decisions); others
 * are not, as a batch's description loads every item's receipt, which this response has no room for.
 */
export async function workflowStatus(notary: Notary, workflows: WorkflowService | undefined, id: string) {
  const row = await notary.getWorkflow(id);
  const w: WorkflowView = row.type === 'approval_sign' && workflows ? await workflows.describe(id) : row;
  const t = toWorkflowTimes(w);
  return {
    workflow_id: w.id,
    status: workflowStatusName(w.status),
    created_at: t.created_at,
    completed_at: t.completed_at,
    error_message: w.error_message ?? '',
    workflow_type: WORKFLOW_TYPE_NAMES[w.type],
    evidence_package_hash: w.evidence_package_hash ?? '',
    updated_at: t.updated_at,
    approval_statuses: (w.approval_statuses ?? []).map(toApprovalStatusMsg),
    quorum: w.quorum ?? 0,
    expires_at: isoToTimestamp(w.expires_at),
  };
}

export interface ListRequest {
  page_size?: number;
  page_token?: string;
  status_filter?: string | number;
  start_time?: TimestampMsg;
  end_time?: TimestampMsg;
}

/** Same bounds as REST's GET /api/v1/workflows: 1-100 per page, default 20. With workflows, approval rows carry their statuses. */
export async function listWorkflows(notary: Notary, workflows: WorkflowService | undefined, req: ListRequest) {
  const pageSize = req.page_size || 20;
  if (pageSize < 1 || pageSize > 100)
    throw new NotaryError('invalid_request', 'page_size: must be 0 (default 20) to 100', { field: 'page_size' });
  const query: WorkflowQuery = {
    pageSize,
    pageToken: req.page_token || undefined,
    status: statusFilter(req.status_filter),
    startTime: req.start_time ? timestampToRfc3339(req.start_time, 'start_time') : undefined,
    endTime: req.end_time ? timestampToRfc3339(req.end_time, 'end_time') : undefined,
  };
  const page = workflows ? await workflows.list(query) : await notary.listWorkflows(query);
  return {
    workflows: page.items.map((w: WorkflowView & WorkflowSummary) => {
      const t = toWorkflowTimes(w);
      return {
        workflow_id: w.id,
        workflow_type: WORKFLOW_TYPE_NAMES[w.type],
        status: workflowStatusName(w.status),
        created_at: t.created_at,
        completed_at: t.completed_at,
        event_type: w.event_type ?? '',
        actor_id: w.actor_id ?? '',
        evidence_package_hash: w.evidence_package_hash ?? '',
        updated_at: t.updated_at,
        approval_statuses: (w.approval_statuses ?? []).map(toApprovalStatusMsg),
      };
    }),
    next_page_token: page.nextPageToken ?? '',
    total_count: page.totalCount,
  };
}

function statusFilter(s: string | number | undefined): WorkflowStatus | undefined {
  if (s === undefined || s === 'WORKFLOW_STATUS_UNSPECIFIED' || s === 0) return undefined;
  const name = typeof s === 'string' ? s.replace(/^WORKFLOW_STATUS_/, '').toLowerCase() : '';
  if (!(WORKFLOW_STATUSES as readonly string[]).includes(name)) {
    throw new NotaryError('invalid_request', `status_filter: unknown value ${s}`, { field: 'status_filter' });
  }
  return name as WorkflowStatus;
}
