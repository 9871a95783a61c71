import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotaryError } from '../../../core/errors.js';
import { MAX_APPROVERS, MAX_EXPIRES_SECONDS, type WorkflowService } from '../../../core/workflows/index.js';
import { errorResponses } from '../schemas.js';
import { presentView } from '../workflow-present.js';
import { workflowDetailSchema } from '../workflow-schemas.js';

const name = { type: 'string', minLength: 1, maxLength: 256 } as const;
const webhookUrl = { type: 'string', maxLength: 2048 } as const;

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
  app.post<{ Body: ApprovalBody }>('/api/v1/evidence/sign/approval', {
    schema: {
      body: {
        type: 'object', required: ['evidence_package', 'approvers'], additionalProperties: false,
        properties: {
          evidence_package: { type: 'object' },
          approvers: { type: 'array', minItems: 1, maxItems: MAX_APPROVERS, uniqueItems: true, items: name },
          quorum: { type: 'integer', minimum: 1, maximum: MAX_APPROVERS },
          expires_in: { type: 'integer', minimum: 1, maximum: MAX_EXPIRES_SECONDS },
          webhook_url: webhookUrl,
        },
      },
      response: { 202: workflowDetailSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const view = await workflows.requestApproval({
      evidencePackage: b.evidence_package, approvers: b.approvers, quorum: b.quorum, expiresInSeconds: b.expires_in, webhookUrl: b.webhook_url,
      principal: request.principal?.id,
    });
    // 202: nothing is signed until the approvers decide
    return reply.code(202).header('location', `/api/v1/workflows/${view.id}/status`).send(presentView(view));
  });

  app.post<{ Params: { id: string }; Body: DecisionBody }>('/api/v1/workflows/:id/approvals', {
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
      body: {
        type: 'object', required: ['decision'], additionalProperties: false,
        properties: { approver: name, decision: { type: 'string', enum: ['approve', 'reject'] }, comment: { type: ['string', 'null'], maxLength: 4096 } },
      },
      response: { 200: workflowDetailSchema, ...errorResponses },
    },
  }, async (request) => presentView(await workflows.decide(request.params.id, { ...request.body, approver: approverOf(request) })));
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
