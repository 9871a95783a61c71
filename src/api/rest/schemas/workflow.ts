import { WORKFLOW_STATUSES, WORKFLOW_TYPE_NAMES } from '../../../core/workflow.js';
import { arrayOf, closed, dateTime, hex64, int, nullable, ref, str, type Schema } from './json.js';

const workflowType = str({ enum: Object.values(WORKFLOW_TYPE_NAMES), description: "AFDP's workflow type names" });
const workflowStatus = str({ enum: [...WORKFLOW_STATUSES] });

/** The fields every workflow has, in AFDP's order first. */
const workflowFields: Record<string, Schema> = {
  workflow_id: str(),
  workflow_type: workflowType,
  status: workflowStatus,
  created_at: dateTime(),
  completed_at: nullable(dateTime()),
  error_message: nullable(str()),
  evidence_package_hash: nullable(hex64('the package this workflow signs; null for a batch (each item has its own)')),
  updated_at: dateTime(),
  submitted_by: nullable(str({ description: 'the authenticated principal that submitted it (null: anonymous)' })),
};

const { status: _status, ...withoutStatus } = workflowFields;

const approvalFields: Record<string, Schema> = {
  approval_statuses: arrayOf(ref('ApprovalStatus'), { description: 'approval workflows only: one line per approver, in request order' }),
  quorum: int({ minimum: 1, description: 'approval workflows only: approvals needed' }),
  expires_at: dateTime('approval workflows only: the request fails unless the quorum is met by then'),
};
const APPROVAL_ONLY = Object.keys(approvalFields);

export const approvalStatusSchema = {
  $id: 'ApprovalStatus',
  ...closed({
    approver: str(),
    status: str({ enum: ['pending', 'approved', 'rejected'] }),
    timestamp: dateTime('when the approver decided; while pending, when the approval was requested'),
    comment: nullable(str()),
  }),
};

export const itemErrorSchema = {
  $id: 'ItemError',
  ...closed({ code: str(), message: str(), field: nullable(str()) }),
};

/** One package of a batch: AFDP's SignEvidenceResponse plus where it was and why it failed. */
export const batchItemSchema = {
  $id: 'BatchItemResult',
  ...closed(
    {
      workflow_id: str({ description: "the item's own simple_signing workflow; empty until it is signed" }),
      receipt: nullable(ref('Receipt')),
      status: str({ enum: ['completed', 'failed', 'pending'], description: 'pending: the signer was unavailable; the notary retries' }),
      index: int({ minimum: 0, description: 'position in the request' }),
      evidence_package_hash: nullable(hex64('null when the package could not be read')),
      error: nullable(ref('ItemError')),
      warnings: arrayOf(str(), {
        description:
          'in the answer to the batch request: what was signed as given although AFDP does not describe it (unknown fields, artifact hashes that are not SHA-256 hex)',
      }),
    },
    ['warnings'],
  ),
};

const batchCounts: Record<string, Schema> = {
  total: int({ minimum: 0 }),
  succeeded: int({ minimum: 0 }),
  failed: int({ minimum: 0 }),
  pending: int({ minimum: 0 }),
};

export const batchSummarySchema = {
  $id: 'BatchSummary',
  ...closed({ ...batchCounts, results: arrayOf(ref('BatchItemResult')) }),
};

/** AFDP's BatchSignResponse (batch_workflow_id, results, status) plus the batch workflow's fields and counts. */
export const batchResponseSchema = {
  $id: 'BatchSignResponse',
  ...closed({
    batch_workflow_id: str(),
    results: arrayOf(ref('BatchItemResult'), { description: 'one per package, in request order' }),
    status: str({
      enum: ['completed', 'failed', 'running'],
      description: 'completed unless every package failed; running while one is pending',
    }),
    ...withoutStatus,
    ...batchCounts,
  }),
};

/** GET …/status: AFDP's WorkflowStatusResponse plus what the workflow's type adds. */
export const workflowStatusSchema = {
  $id: 'WorkflowStatusResponse',
  ...closed(
    {
      ...workflowFields,
      ...approvalFields,
      receipt: ref('Receipt'),
      batch: ref('BatchSummary'),
      warnings: arrayOf(str(), {
        description: 'in the answer to an approval request: what was signed as given although AFDP does not describe it',
      }),
    },
    [...APPROVAL_ONLY, 'receipt', 'batch', 'warnings'],
    {
      description: 'receipt: once a simple or approval workflow is completed; batch: batch workflows only',
    },
  ),
};

/** One row of GET /api/v1/workflows: AFDP's WorkflowSummary plus ours. */
export const workflowSummarySchema = {
  $id: 'WorkflowSummary',
  ...closed(
    {
      ...workflowFields,
      event_type: str({ description: 'of the evidence package; empty for a batch' }),
      actor_id: str({ description: "the package's actor.id; empty for a batch" }),
      ...approvalFields,
    },
    APPROVAL_ONLY,
  ),
};

export const workflowListSchema = {
  $id: 'ListWorkflowsResponse',
  ...closed({
    workflows: arrayOf(ref('WorkflowSummary'), { description: 'newest first' }),
    next_page_token: nullable(str()),
    total_count: int({ minimum: 0, description: 'workflows matching the filters, on all pages' }),
  }),
};

export const signResponseSchema = {
  $id: 'SignEvidenceResponse',
  ...closed({
    workflow_id: str(),
    receipt: ref('Receipt'),
    status: str({ enum: ['completed'] }),
    warnings: arrayOf(str(), {
      description:
        "what was signed as given although AFDP's shape does not describe it: unknown fields, artifact hashes that are not SHA-256 hex",
    }),
  }),
};
