import type * as grpc from '@grpc/grpc-js';
import { NotaryError } from '../../core/errors.js';
import { MAX_WORKFLOW_ID_LENGTH } from '../../core/request-rules.js';
import { requestApproval, workflowsOf, type ApprovalReq } from './approval.js';
import { signBatch } from './batch.js';
import { MAX_BATCH_SIZE } from './method-rules.js';
import { remainingMs, unary, type Door } from './call.js';
import { toReceiptMsg } from './present.js';
import { signOne } from './sign.js';
import { validateEvidence } from './validate.js';
import { listWorkflows, workflowStatus } from './workflows.js';
import type { EvidencePackageMsg } from './wire.js';

interface SignReq {
  evidence_package?: EvidencePackageMsg;
  idempotency_key?: string;
  wait_anchored_ms?: number;
}

export function notaryHandlers(door: Door): grpc.UntypedServiceImplementation {
  const { notary } = door;
  return {
    SignEvidence: unary<SignReq, unknown>(door, 'SignEvidence', (req, call) =>
      signOne(notary, {
        pkg: req.evidence_package,
        path: 'evidence_package',
        idempotencyKey: req.idempotency_key,
        waitAnchoredMs: req.wait_anchored_ms,
        remainingMs: remainingMs(call),
      }),
    ),

    // a pending approval_sign workflow; approvers decide over REST (AFDP has no decision RPC)
    SignEvidenceWithApproval: unary<ApprovalReq, unknown>(door, 'SignEvidenceWithApproval', async (req) =>
      requestApproval(notary, workflowsOf(door, 'SignEvidenceWithApproval'), req),
    ),

    SignEvidenceBatch: unary<{ evidence_packages?: EvidencePackageMsg[]; idempotency_key?: string }, unknown>(
      door,
      'SignEvidenceBatch',
      async (req, call) => {
        const pkgs = req.evidence_packages ?? [];
        // the door's own bound first: the core's (NOTARY_MAX_BATCH_SIZE) may be lower, never skipped
        if (pkgs.length === 0 || pkgs.length > MAX_BATCH_SIZE) {
          throw new NotaryError('invalid_request', `evidence_packages: must hold 1 to ${MAX_BATCH_SIZE} packages, got ${pkgs.length}`, {
            field: 'evidence_packages',
          });
        }
        // once stored, the batch runs to the end even if this call is cancelled: it is a durable workflow
        return signBatch(
          notary,
          workflowsOf(door, 'SignEvidenceBatch'),
          pkgs,
          { logger: door.logger, method: 'SignEvidenceBatch', metadata: call.metadata },
          req.idempotency_key,
        );
      },
    ),

    GetWorkflowStatus: unary<{ workflow_id?: string }, unknown>(door, 'GetWorkflowStatus', async (req) =>
      workflowStatus(notary, door.workflows, workflowId(req.workflow_id)),
    ),

    ValidateEvidence: unary(door, 'ValidateEvidence', (req) => validateEvidence(notary, req as Parameters<typeof validateEvidence>[1])),

    GetNotarizationReceipt: unary<{ workflow_id?: string }, unknown>(door, 'GetNotarizationReceipt', async (req) => {
      try {
        return { receipt: toReceiptMsg(await notary.getReceipt(workflowId(req.workflow_id))), found: true };
      } catch (err) {
        // AFDP's response models absence with `found`; an unknown id is an answer, not a failure
        if (err instanceof NotaryError && err.code === 'not_found') return { found: false };
        throw err;
      }
    }),

    ListWorkflows: unary(door, 'ListWorkflows', (req) => listWorkflows(notary, door.workflows, req as Parameters<typeof listWorkflows>[2])),

    HealthCheck: unary(door, 'HealthCheck', async () => {
      const dependencies = await notary.dependencies();
      return {
        status: dependencies.every((d) => d.healthy) ? 'healthy' : 'unhealthy',
        version: door.version,
        uptime_seconds: String(Math.floor((Date.now() - door.startedAt) / 1000)),
        dependencies: dependencies.map((d) => ({
          name: d.name,
          healthy: d.healthy,
          response_time_ms: String(d.responseTimeMs),
          error: d.error ?? '',
        })),
      };
    }),
  };
}

/** The REST door bounds ids the same way. */
function workflowId(id: string | undefined): string {
  if (!id || id.length > MAX_WORKFLOW_ID_LENGTH)
    throw new NotaryError('invalid_request', `workflow_id: must be 1 to ${MAX_WORKFLOW_ID_LENGTH} characters`, { field: 'workflow_id' });
  return id;
}
