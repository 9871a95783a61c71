import { NotaryError } from '../../core/errors.js';
import type { ApprovalInput, WorkflowView } from '../../core/workflows/index.js';
import { approvalField } from './decode-approval.js';
import type { LedgerEntry } from './ledger.js';
import type { NotaryStatusMessage, PipelineEvent, StatusUpdate } from './messages.js';
import { statusPublication, type EventContext } from './outcomes.js';
import { idempotencyKey, type PreparedItem } from './sign-items.js';
import { toEvidencePackages } from './to-evidence.js';

/** The workflow service's one verb this door needs (WorkflowService.requestApproval, bound). */
export type RequestApproval = (input: ApprovalInput) => Promise<WorkflowView>;

/**
 * approval_sign: starts (or, under the event's idempotency key, finds) the approval workflow and
 * describes it as one NotaryStatus. The key `pulsar:<event_id>` is unique in the workflow store, so
 * a redelivery after a crash between creating the workflow and recording the ledger entry gets the
 * same workflow back, never a second one. Nothing is signed here: that waits for the approvers.
 */
export async function startApproval(
  event: PipelineEvent,
  items: PreparedItem[],
  requestApproval: RequestApproval,
  ctx: () => EventContext,
): Promise<LedgerEntry> {
  const config = event.approval!;
  const view = await requestApproval({
    evidencePackage: toEvidencePackages(event)[0],
    approvers: config.approvers,
    quorum: config.quorum,
    expiresInSeconds: config.timeoutSeconds,
    idempotencyKey: idempotencyKey(event.event_id),
    audit: { door: 'pulsar', event_id: event.event_id },
  }).catch((err: unknown) => {
    throw inEventTerms(err);
  });
  const publication = statusPublication(ctx(), view.id, statusOf(view), describe(view), progressOf(view));
  return {
    eventId: event.event_id,
    workflowType: 'approval_sign',
    workflowId: view.id,
    evidenceHashes: items.map((i) => i.evidence?.hashHex ?? null),
    publications: [publication],
  };
}

/** Normally pending; a workflow found by its key may have moved on since it was created. */
function statusOf(view: WorkflowView): StatusUpdate {
  switch (view.status) {
    case 'pending':
      return 'pending_approval';
    case 'running':
      return 'processing';
    default:
      return view.status;
  }
}

function describe(view: WorkflowView): string {
  if (view.status !== 'pending') return `approval workflow ${view.id} is ${view.status}`;
  const approvers = (view.approval_statuses ?? []).map((s) => s.approver).join(', ');
  return `waiting for ${view.quorum} approval(s) of ${approvers} until ${view.expires_at}; decide at POST /api/v1/workflows/${view.id}/approvals`;
}

function progressOf(view: WorkflowView): NotaryStatusMessage['progress'] {
  const quorum = view.quorum ?? 0;
  if (quorum === 0) return null;
  const approved = Math.min(quorum, (view.approval_statuses ?? []).filter((s) => s.status === 'approved').length);
  return {
    current_step: 'approval',
    total_steps: quorum,
    completed_steps: approved,
    percentage: Math.round((approved * 100) / quorum),
    eta_seconds: null,
  };
}

/** The core's refusals name REST fields (`approvers`, `expires_in`); renamed to the event's. */
function inEventTerms(err: unknown): unknown {
  if (!(err instanceof NotaryError) || err.field === undefined) return err;
  const field = approvalField(err.field)!;
  return field === err.field
    ? err
    : new NotaryError(err.code, err.message.replace(err.field, field), { field, cause: err, retryable: err.retryable });
}
