import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { WORKFLOW_STATUSES, type WorkflowStatus } from '../../../core/workflow.js';
import { presentWorkflow } from '../present.js';
import { errorResponses, pageSize, pageToken, receiptSchema, workflowSchema } from '../schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

export function workflowRoutes(app: FastifyInstance, notary: Notary): void {
  app.get<{ Params: { id: string } }>('/api/v1/workflows/:id/status', {
    schema: { params: idParams, response: { 200: workflowSchema, ...errorResponses } },
  }, async (request) => presentWorkflow(await notary.getWorkflow(request.params.id)));

  app.get<{ Params: { id: string } }>('/api/v1/workflows/:id/receipt', {
    schema: { params: idParams, response: { 200: receiptSchema, ...errorResponses } },
  }, async (request) => notary.getReceipt(request.params.id));

  app.get<{ Querystring: { page_size: number; page_token?: string; status_filter?: WorkflowStatus; start_time?: string; end_time?: string } }>('/api/v1/workflows', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          page_size: pageSize, page_token: pageToken,
          status_filter: { type: 'string', enum: [...WORKFLOW_STATUSES] },
          start_time: { type: 'string', format: 'date-time' }, end_time: { type: 'string', format: 'date-time' },
        },
      },
      response: {
        200: { type: 'object', properties: { workflows: { type: 'array', items: workflowSchema }, next_page_token: { type: ['string', 'null'] } } },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    const page = await notary.listWorkflows({ pageSize: q.page_size, pageToken: q.page_token, status: q.status_filter, startTime: q.start_time, endTime: q.end_time });
    return { workflows: page.items.map(presentWorkflow), next_page_token: page.nextPageToken };
  });
}
