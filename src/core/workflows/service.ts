import type { Page, WorkflowQuery } from '../../ports/evidence-store.js';
import type { WorkflowSummary } from '../workflow.js';
import { NotaryError } from '../errors.js';
import type { Receipt } from '../receipt.js';
import { createApproval, decide, expireDue, signApproval } from './approvals.js';
import { createAndRunBatch, runBatch } from './batches.js';
import { retryLater, type WorkflowDeps } from './context.js';
import type { ApprovalInput, BatchOptions, DecisionInput } from './inputs.js';
import type { ApprovalReceipt, WorkflowView } from './types.js';
import { approvalFields, approvalView, batchView, withApprovals } from './views.js';

/**
 * Approval and batch workflows, durable across restarts. Every door (REST, gRPC, Pulsar) calls these
 * methods; the state machines are pure (approval-machine.ts, batch-machine.ts), the store applies
 * their transitions under row locks, and the Notary does the signing.
 */
export class WorkflowService {
  constructor(private readonly deps: WorkflowDeps) {}

  /** approval_sign: a pending workflow that signs once `quorum` approvers approve. */
  async requestApproval(input: ApprovalInput): Promise<WorkflowView> {
    const { id, warnings, replayed } = await createApproval(this.deps, input);
    return { ...(await this.describe(id)), warnings, replayed };
  }

  /** One approver's decision; answers with the workflow after it (completed, with the receipt, if it met the quorum). */
  async decide(workflowId: string, input: DecisionInput): Promise<WorkflowView> {
    await decide(this.deps, workflowId, input);
    return this.describe(workflowId);
  }

  /** batch_sign: signs every package, each with its own result; a bad package fails alone. */
  async signBatch(packages: unknown[], options: BatchOptions = {}): Promise<WorkflowView> {
    const { id, itemWarnings, replayed } = await createAndRunBatch(this.deps, packages, options);
    return { ...(await this.describe(id)), itemWarnings, replayed };
  }

  /** Any workflow; approval workflows with approval_statuses (and receipt once signed), batches with per-item results. */
  async describe(id: string): Promise<WorkflowView> {
    const workflow = await this.deps.notary.getWorkflow(id);
    if (workflow.type === 'approval_sign') {
      const record = await this.deps.store.getApproval(id);
      if (record) return approvalView(this.deps, workflow, record);
    }
    if (workflow.type === 'batch_sign') {
      const record = await this.deps.store.getBatch(id);
      if (record) return batchView(this.deps, workflow, record);
    }
    return workflow;
  }

  /** The listing, with approval_statuses on approval workflows (one extra query per page). */
  async list(query: WorkflowQuery): Promise<Page<WorkflowView & WorkflowSummary> & { totalCount: number }> {
    const page = await this.deps.notary.listWorkflows(query);
    const approvals = await this.deps.store.getApprovals(page.items.filter((w) => w.type === 'approval_sign').map((w) => w.id));
    const items = page.items.map((w) => {
      const record = approvals.get(w.id);
      return record ? { ...w, ...approvalFields(record) } : w;
    });
    return { items, nextPageToken: page.nextPageToken, totalCount: page.totalCount };
  }

  /** The receipt; an approval workflow's carries its approvals and their attestation. */
  async receipt(id: string): Promise<Receipt | ApprovalReceipt> {
    const receipt = await this.deps.notary.getReceipt(id);
    const record = await this.deps.store.getApproval(id);
    return record ? withApprovals(receipt, record) : receipt;
  }

  /** Resume round: signs workflows left running (quorum met, batch items unsigned) whose lease is free. */
  async resumeRunnable(limit = 20): Promise<number> {
    const claimed = await this.deps.store.claimRunnable(limit, this.deps.clock.now().toISOString());
    for (const { id, type } of claimed) {
      try {
        if (type === 'approval_sign') await signApproval(this.deps, id);
        else if (type === 'batch_sign') await runBatch(this.deps, id);
        else throw new NotaryError('internal', `workflow ${id} of type ${type} cannot be resumed`);
      } catch (err) {
        await retryLater(this.deps, id, err); // one workflow's trouble must not hold the others' leases
      }
    }
    return claimed.length;
  }

  /** Expiry round: pending approvals past expires_at fail. */
  expireDue(limit = 100): Promise<number> {
    return expireDue(this.deps, limit);
  }
}
