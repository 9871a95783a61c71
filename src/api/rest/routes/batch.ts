import type { FastifyInstance } from 'fastify';
import type { WorkflowService } from '../../../core/workflows/index.js';
import { EXAMPLES } from '../openapi/examples.js';
import { auditContext, idempotencyKeyOf, markOutcome, workflowIdempotencySchema } from '../idempotency.js';
import { CHECKED_BY_CORE, errorResponses, jsonResponse as json, ref } from '../schemas/index.js';
import { presentBatch } from '../workflow-present.js';

export function batchRoutes(app: FastifyInstance, workflows: WorkflowService): void {
  app.post<{ Body: { evidence_packages: unknown[]; webhook_url?: string } }>(
    '/api/v1/evidence/sign/batch',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'signEvidenceBatch',
        summary: 'Sign many packages, each on its own',
        description:
          'Stored as a batch_signing workflow before anything is signed, so a restart finishes it. Each package gets its own ' +
          'result: a bad package fails alone (its `error` says why). The whole batch must fit the body limit (NOTARY_MAX_BODY_BYTES) ' +
          'and NOTARY_MAX_BATCH_SIZE packages (413 beyond). `status` is running while an item waits for the signer.',
        headers: workflowIdempotencySchema.headers,
        body: {
          type: 'object',
          required: ['evidence_packages'],
          additionalProperties: false,
          properties: {
            // items are not checked here: a bad package must fail alone, in its own result
            evidence_packages: { type: 'array', minItems: 1, items: { ...ref('EvidencePackage'), [CHECKED_BY_CORE]: true } },
            webhook_url: {
              type: 'string',
              maxLength: 2048,
              description: 'where to POST the completed/failed notification (needs NOTARY_WEBHOOK_SECRET)',
            },
          },
          examples: [EXAMPLES.batchRequest],
        },
        response: {
          200: {
            ...json('BatchSignResponse', "AFDP's BatchSignResponse: one result per package, in request order", EXAMPLES.batchResponse),
            headers: {
              location: { type: 'string', description: "the batch workflow's status URL" },
              ...workflowIdempotencySchema.replayed,
            },
          },
          ...errorResponses(413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const view = await workflows.signBatch(request.body.evidence_packages, {
        webhookUrl: request.body.webhook_url,
        principal: request.principal?.id,
        idempotencyKey: idempotencyKeyOf(request),
        audit: auditContext(request),
      });
      markOutcome(request, reply, view.replayed);
      return reply.header('location', `/api/v1/workflows/${view.id}/status`).send(presentBatch(view));
    },
  );
}
