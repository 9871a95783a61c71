import type { FastifyInstance } from 'fastify';
import type { WorkflowService } from '../../../core/workflows/index.js';
import { errorResponses } from '../schemas.js';
import { presentView } from '../workflow-present.js';
import { workflowDetailSchema } from '../workflow-schemas.js';

export function batchRoutes(app: FastifyInstance, workflows: WorkflowService): void {
  app.post<{ Body: { evidence_packages: unknown[]; webhook_url?: string } }>('/api/v1/evidence/sign/batch', {
    schema: {
      body: {
        type: 'object', required: ['evidence_packages'], additionalProperties: false,
        properties: {
          // items are not schema-checked here: a bad package must fail alone, in its own result
          evidence_packages: { type: 'array', minItems: 1, items: {} },
          webhook_url: { type: 'string', maxLength: 2048 },
        },
      },
      // the whole batch must also fit the body limit (NOTARY_MAX_BODY_BYTES): over it, or over
      // NOTARY_MAX_BATCH_SIZE packages, the answer is 413 problem+json
      response: { 201: workflowDetailSchema, 202: workflowDetailSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const view = await workflows.signBatch(request.body.evidence_packages, { webhookUrl: request.body.webhook_url, principal: request.principal?.id });
    // 202 when some item could not be signed yet (signer down): the resume loop finishes it
    return reply.code(view.status === 'running' ? 202 : 201).header('location', `/api/v1/workflows/${view.id}/status`).send(presentView(view));
  });
}
