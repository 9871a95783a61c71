import { NotaryError } from '../errors.js';
import type { Workflow } from '../workflow.js';
import { approvalsOf, approvalTransition } from './approval-machine.js';
import { attestationPayload } from './attestation.js';
import {
  acceptedWebhookUrl,
  creationAudit,
  isPermanent,
  nowIso,
  describeError,
  requestFingerprint,
  retryLater,
  type WorkflowDeps,
} from './context.js';
import { loadEvidence } from './evidence.js';
import { approvalRequest, checkDecision, type ApprovalInput, type DecisionInput } from './inputs.js';
import type { ApprovalAttestation, ApprovalRequest } from './types.js';

/**
 * Stores a pending approval workflow and queues its approval_required notification; its audit row
 * commits with it. Returns its id and the package's warnings, or under an idempotency key already used for the same request
 * the earlier workflow's (replayed); another request under that key is idempotency_mismatch.
 */
export async function createApproval(
  deps: WorkflowDeps,
  input: ApprovalInput,
): Promise<{ id: string; replayed: boolean; warnings: string[] }> {
  const evidence = deps.notary.prepare(input.evidencePackage, 'evidence_package', { maxCanonicalBytes: input.maxCanonicalBytes });
  const now = deps.clock.now();
  const request = approvalRequest(input, now, deps.limits);
  const webhookUrl = await acceptedWebhookUrl(deps, input.webhookUrl);
  const at = now.toISOString();
  const workflow: Workflow = {
    id: deps.ids.next(),
    type: 'approval_sign',
    status: 'pending',
    evidence_package_hash: evidence.hashHex,
    created_at: at,
    updated_at: at,
    completed_at: null,
    error_message: null,
    ...(input.principal !== undefined && { submitted_by: input.principal }),
  };
  const expiresIn = input.expiresInSeconds ?? deps.limits.defaultExpiresSeconds;
  const requestHash = requestFingerprint({
    type: 'approval_sign',
    evidence: evidence.hashHex,
    approvers: request.approvers,
    quorum: request.quorum,
    expires_in: expiresIn,
    webhook_url: webhookUrl,
  });
  const notify = [{ kind: 'notify', event: 'approval_required', details: { ...request } } as const];
  const audit = creationAudit('evidence.approval_requested', input, {
    workflow_id: workflow.id,
    evidence_package_hash: evidence.hashHex,
    approvers: request.approvers,
    quorum: request.quorum,
  });
  const kept = await deps.store.createApproval(
    { workflow, evidence, request, webhookUrl, idempotencyKey: input.idempotencyKey, requestHash, audit },
    notify,
  );
  if (kept.created) return { id: kept.id, replayed: false, warnings: evidence.warnings ?? [] };
  if (kept.requestHash !== null ? kept.requestHash !== requestHash : !(await sameApproval(deps, kept.id, evidence.hashHex, request))) {
    throw new NotaryError('idempotency_mismatch', `idempotency key already used by workflow ${kept.id} for another request`);
  }
  return { id: kept.id, replayed: true, warnings: evidence.warnings ?? [] };
}

/** Workflows created before request hashes were kept: the same package, approvers and quorum. */
async function sameApproval(deps: WorkflowDeps, id: string, hashHex: string, request: ApprovalRequest): Promise<boolean> {
  const earlier = await deps.store.getApproval(id);
  const asked = earlier?.state.request;
  return (
    earlier?.workflow.evidence_package_hash === hashHex &&
    asked?.quorum === request.quorum &&
    JSON.stringify(asked.approvers) === JSON.stringify(request.approvers)
  );
}

/** Records one approver's decision; the decision that meets the quorum signs at once (or leaves it to the resume loop). */
export async function decide(deps: WorkflowDeps, id: string, input: DecisionInput): Promise<void> {
  checkDecision(input);
  const at = nowIso(deps);
  const event = { type: 'decide', approver: input.approver, decision: input.decision, comment: input.comment ?? null, at } as const;
  const result = await deps.store.updateApproval(id, at, (state) => approvalTransition(state, event));
  if (!result) throw new NotaryError('not_found', `approval workflow ${id} not found`);
  if (result.refusal) throw result.refusal;
  if (result.effects.some((e) => e.kind === 'sign')) await signApproval(deps, id);
}

/**
 * Signs a running approval (the caller holds its lease): first the attestation over the frozen
 * approvals, then the evidence; both are stored by the one `signed` transition, so a crash before
 * it leaves nothing behind and a resumed round starts over; a round that lost a race stores nothing.
 */
export async function signApproval(deps: WorkflowDeps, id: string): Promise<void> {
  const record = await deps.store.getApproval(id);
  if (!record || record.workflow.status !== 'running' || record.workflow.evidence_package_hash === null) return;
  try {
    const evidence = await loadEvidence(deps.store, record.workflow.evidence_package_hash);
    const payload = attestationPayload(id, evidence.hashHex, approvalsOf(record.state));
    const sig = await deps.notary.signDetached(payload);
    const attestation: ApprovalAttestation = {
      payload: payload.toString('utf8'),
      signature_b64: sig.signature.toString('base64'),
      key_id: sig.keyId,
      key_version: sig.keyVersion,
    };
    await deps.notary.signForWorkflow(id, evidence, async (signature) => {
      const signed = { type: 'signed', at: signature.signedAt, signature, attestation } as const;
      const result = await deps.store.updateApproval(id, signature.signedAt, (state) => approvalTransition(state, signed));
      return result !== undefined && result.refusal === undefined;
    });
  } catch (err) {
    if (!isPermanent(err)) return retryLater(deps, id, err);
    const at = nowIso(deps);
    deps.logger.error({ err, workflowId: id }, 'approval workflow failed: signing refused');
    await deps.store.updateApproval(id, at, (state) => approvalTransition(state, { type: 'sign_failed', at, reason: describeError(err) }));
  }
}

/** One expiry round: pending approvals past their deadline fail (replicas skip each other's rows). */
export async function expireDue(deps: WorkflowDeps, limit: number): Promise<number> {
  const at = nowIso(deps);
  const expired = await deps.store.expireDue(limit, at, (state) => approvalTransition(state, { type: 'expire', at }));
  return expired.length;
}
