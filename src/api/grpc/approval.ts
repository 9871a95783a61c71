import { currentPrincipal } from './call.js';
import * as grpc from '@grpc/grpc-js';
import type { WorkflowService } from '../../core/workflows/index.js';
import type { Notary } from '../../core/notary.js';
import type { Door } from './call.js';
import { DoorError } from './errors.js';
import { toApprovalStatusMsg, workflowStatusName } from './present.js';
import { idempotencyKeyOf, sizeBound } from './sign.js';
import { toRawPackage } from './evidence.js';
import { isoToTimestamp } from './struct.js';
import type { EvidencePackageMsg } from './wire.js';

/** What the door reads of its Door here: the workflow service is optional (embedders, older wiring). */
type WorkflowDoor = Pick<Door, 'notary'> & { workflows?: WorkflowService };

/** The workflow service, or FAILED_PRECONDITION: signing without the approval it asks for is never a fallback. */
export function workflowsOf(door: WorkflowDoor, method: string): WorkflowService {
  if (door.workflows) return door.workflows;
  throw new DoorError(grpc.status.FAILED_PRECONDITION, 'approval workflows are not configured', [
    {
      type: 'google.rpc.PreconditionFailure',
      violations: [
        {
          type: 'WORKFLOWS',
          subject: `afdp.notary.v1.NotaryService/${method}`,
          description: 'this notary runs without a workflow service',
        },
      ],
    },
    { type: 'google.rpc.ErrorInfo', reason: 'WORKFLOWS_NOT_CONFIGURED', domain: 'notary.afdp.dev' },
  ]);
}

export interface ApprovalReq {
  evidence_package?: EvidencePackageMsg;
  approvers?: string[];
  /** proto3 scalars: 0 / "" are "unset", i.e. the core's default */
  quorum?: number;
  expires_in_seconds?: number;
  webhook_url?: string;
  idempotency_key?: string;
}

/** SignEvidenceWithApproval: AFDP's request → requestApproval → AFDP's response (plus quorum, expires_at). */
export async function requestApproval(notary: Notary, workflows: WorkflowService, req: ApprovalReq) {
  const view = await workflows.requestApproval({
    principal: currentPrincipal(),
    evidencePackage: toRawPackage(req.evidence_package, 'evidence_package', notary.limits.maxMetadataDepth),
    approvers: req.approvers ?? [],
    quorum: req.quorum || undefined,
    expiresInSeconds: req.expires_in_seconds || undefined,
    webhookUrl: req.webhook_url || undefined,
    idempotencyKey: idempotencyKeyOf(req.idempotency_key),
    audit: { door: 'grpc', method: 'SignEvidenceWithApproval' },
    ...sizeBound(notary),
  });
  return {
    workflow_id: view.id,
    status: workflowStatusName(view.status),
    approval_statuses: (view.approval_statuses ?? []).map(toApprovalStatusMsg),
    quorum: view.quorum ?? 0,
    expires_at: isoToTimestamp(view.expires_at),
    warnings: view.warnings ?? [],
    replayed: view.replayed ?? false,
  };
}
