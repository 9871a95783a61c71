import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotaryError } from '../../../core/errors.js';
import { MAX_APPROVERS, MAX_EXPIRES_SECONDS, type WorkflowService } from '../../../core/workflows/index.js';
import { EXAMPLES } from '../openapi/examples.js';
import { auditContext, idempotencyKeyOf, markOutcome, workflowIdempotencySchema } from '../idempotency.js';
import { errorResponses, evidencePackageMember, jsonResponse as json } from '../schemas/index.js';
import { presentView } from '../workflow-present.js';
import { workflowIdParams } from './workflows.js';

const name = { type: 'string', minLength: 1, maxLength: 256 } as const;
const webhookUrl = {
  type: 'string',
  maxLength: 2048,
  description: "where to POST this workflow's notifications (needs NOTARY_WEBHOOK_SECRET)",
} as const;

interface ApprovalBody {
  evidence_package: unknown;
  approvers: string[];
  quorum?: number;
  expires_in?: number;
  webhook_url?: string;
}

interface DecisionBody {
  /** with authentication on, the approver is the caller (principal id); without, the caller says who they are */
  approver?: string;
  decision: 'approve' | 'reject';
  comment?: string | null;
}

export function approvalRoutes(app: FastifyInstance, workflows: WorkflowService): void {
  app.post<{ Body: ApprovalBody }>(
    '/api/v1/evidence/sign/approval',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'signEvidenceWithApproval',
        summary: 'Sign once approvers approve',
        description:
          'Stores a pending approval_signing workflow; nothing is signed until `quorum` approvers approve ' +
          '(POST /api/v1/workflows/{workflow_id}/approvals). One rejection, or the expiry, fails it. Location: the status URL.',
        headers: workflowIdempotencySchema.headers,
        body: {
          type: 'object',
          required: ['evidence_package', 'approvers'],
          additionalProperties: false,
          properties: {
            evidence_package: evidencePackageMember(),
            approvers: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_APPROVERS,
              uniqueItems: true,
              items: name,
              description: 'who may approve (with authentication on: principal ids)',
            },
            quorum: { type: 'integer', minimum: 1, maximum: MAX_APPROVERS, description: 'approvals needed (default: all approvers)' },
            expires_in: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_EXPIRES_SECONDS,
              description: 'seconds until the request fails (default NOTARY_APPROVAL_DEFAULT_EXPIRES_S)',
            },
            webhook_url: webhookUrl,
          },
          examples: [EXAMPLES.approvalRequest],
        },
        response: {
          200: {
            ...json(
              'WorkflowStatusResponse',
              "The pending workflow (AFDP's SignEvidenceWithApprovalResponse: workflow_id, status, approval_statuses)",
              EXAMPLES.approvalPending,
            ),
            headers: { location: { type: 'string', description: 'GET it for the status' }, ...workflowIdempotencySchema.replayed },
          },
          ...errorResponses(413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const view = await workflows.requestApproval({
        evidencePackage: b.evidence_package,
        approvers: b.approvers,
        quorum: b.quorum,
        expiresInSeconds: b.expires_in,
        webhookUrl: b.webhook_url,
        principal: request.principal?.id,
        idempotencyKey: idempotencyKeyOf(request),
        audit: auditContext(request),
      });
      markOutcome(request, reply, view.replayed);
      // 200, as AFDP answers: the body says `pending`, nothing is signed until the approvers decide
      return reply.header('location', `/api/v1/workflows/${view.id}/status`).send(presentView(view));
    },
  );

  app.post<{ Params: { id: string }; Body: DecisionBody }>(
    '/api/v1/workflows/:id/approvals',
    {
      schema: {
        tags: ['Workflows'],
        operationId: 'decideApproval',
        summary: "Record an approver's decision",
        description:
          'The decision that meets the quorum signs at once: the answer then carries the receipt, with the approvals and an ' +
          'attestation over them. With authentication on, the approver is the caller (`approver` may be left out). Not in AFDP.',
        params: workflowIdParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            approver: { ...name, description: 'required when authentication is off; must be the caller when on' },
            decision: { type: 'string', enum: ['approve', 'reject'] },
            comment: { type: ['string', 'null'], maxLength: 4096 },
          },
          examples: [EXAMPLES.decisionRequest],
        },
        response: {
          200: json('WorkflowStatusResponse', 'The workflow after the decision', EXAMPLES.approvalCompleted),
          ...errorResponses(404, 409, 415, 422),
        },
      },
    },
    async (request) => presentView(await workflows.decide(request.params.id, { ...request.body, approver: approverOf(request) })),
  );
}

/** An authenticated caller decides as themselves (their principal id is what `approvers` must list). */
function approverOf(request: FastifyRequest<{ Body: DecisionBody }>): string {
  const claimed = request.body.approver;
  const principal = request.principal?.id;
  if (principal === undefined) {
    if (claimed === undefined) throw new NotaryError('invalid_request', 'approver: required', { field: 'approver' });
    return claimed;
  }
  if (claimed !== undefined && claimed !== principal) {
    throw new NotaryError('validation_failed', `approver: you are authenticated as ${principal}`, { field: 'approver' });
  }
  return principal;
}
