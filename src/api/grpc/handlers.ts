import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { NotaryError } from '../../core/errors.js';
import { remainingMs, unary, type Door } from './call.js';
import { DoorError } from './errors.js';
import { toReceiptMsg } from './present.js';
import { signItem, signOne } from './sign.js';
import { validateEvidence } from './validate.js';
import { listWorkflows, workflowStatus } from './workflows.js';
import type { EvidencePackageMsg } from './wire.js';

/** AFDP's batch has no bound; ours is explicit so one call cannot hold the notary for long. */
export const MAX_BATCH_SIZE = 100;
/** packages of one batch in the core at once: enough to fill a group commit, not to starve others */
const BATCH_CONCURRENCY = 16;

interface SignReq { evidence_package?: EvidencePackageMsg; idempotency_key?: string; wait_anchored_ms?: number }

export function notaryHandlers(door: Door): grpc.UntypedServiceImplementation {
  const { notary } = door;
  return {
    SignEvidence: unary<SignReq, unknown>(door, 'SignEvidence', (req, call) => signOne(notary, {
      pkg: req.evidence_package, path: 'evidence_package', idempotencyKey: req.idempotency_key,
      waitAnchoredMs: req.wait_anchored_ms, remainingMs: remainingMs(call),
    })),

    // The approval workflow is issue #7; until it exists, say so rather than sign without approval.
    SignEvidenceWithApproval: unary(door, 'SignEvidenceWithApproval', async () => {
      throw new DoorError(grpc.status.FAILED_PRECONDITION, 'approval workflows are not available on this notary yet; use SignEvidence', [
        { type: 'google.rpc.PreconditionFailure', violations: [{ type: 'APPROVAL_WORKFLOW', subject: 'afdp.notary.v1.NotaryService/SignEvidenceWithApproval', description: 'approval workflows are not enabled' }] },
        { type: 'google.rpc.ErrorInfo', reason: 'APPROVAL_WORKFLOW_UNAVAILABLE', domain: 'notary.afdp.dev' },
      ]);
    }),

    SignEvidenceBatch: unary<{ evidence_packages?: EvidencePackageMsg[] }, unknown>(door, 'SignEvidenceBatch', async (req, call) => {
      const pkgs = req.evidence_packages ?? [];
      if (pkgs.length === 0 || pkgs.length > MAX_BATCH_SIZE) {
        throw new NotaryError('invalid_request', `evidence_packages: must hold 1 to ${MAX_BATCH_SIZE} packages, got ${pkgs.length}`, { field: 'evidence_packages' });
      }
      const ctx = { logger: door.logger, method: 'SignEvidenceBatch', metadata: call.metadata };
      const results = new Array(pkgs.length);
      let next = 0;
      const worker = async () => {
        // a cancelled call (deadline, client gone) starts no further packages
        while (next < pkgs.length && !call.cancelled) {
          const i = next++;
          results[i] = await signItem(notary, { pkg: pkgs[i], path: `evidence_packages[${i}]`, remainingMs: remainingMs(call) }, ctx);
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, pkgs.length) }, worker));
      // nobody is listening any more; the packages already signed keep their workflows and receipts
      if (call.cancelled) throw new NotaryError('deadline_exceeded', 'the call ended before the batch was done');
      const failed = results.filter((r) => r.error).length;
      return {
        batch_workflow_id: randomUUID(), results,
        status: failed === pkgs.length ? 'WORKFLOW_STATUS_FAILED' : 'WORKFLOW_STATUS_COMPLETED',
        succeeded_count: pkgs.length - failed, failed_count: failed,
      };
    }),

    GetWorkflowStatus: unary<{ workflow_id?: string }, unknown>(door, 'GetWorkflowStatus', async (req) => workflowStatus(notary, workflowId(req.workflow_id))),

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

    ListWorkflows: unary(door, 'ListWorkflows', (req) => listWorkflows(notary, req as Parameters<typeof listWorkflows>[1])),

    HealthCheck: unary(door, 'HealthCheck', async () => {
      const started = performance.now();
      const error = await notary.ready().then(() => '', () => 'a dependency (store, signer or log) is not answering');
      return {
        status: error ? 'unhealthy' : 'healthy',
        version: door.version,
        uptime_seconds: String(Math.floor((Date.now() - door.startedAt) / 1000)),
        dependencies: [{ name: 'store, signer and transparency log', healthy: !error, response_time_ms: String(Math.round(performance.now() - started)), error }],
      };
    }),
  };
}

/** The REST door bounds ids to 64 characters too. */
function workflowId(id: string | undefined): string {
  if (!id || id.length > 64) throw new NotaryError('invalid_request', 'workflow_id: must be 1 to 64 characters', { field: 'workflow_id' });
  return id;
}
