import type { FastifyInstance } from 'fastify';
import { WORKFLOW_STATUSES, type WorkflowStatus } from '../../../core/workflow.js';
import type { WorkflowService } from '../../../core/workflows/index.js';
import { errorResponses, pageSize, pageToken, workflowSchema } from '../schemas.js';
import { presentView } from '../workflow-present.js';
import { approvalReceiptSchema, workflowDetailSchema } from '../workflow-schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } as const;

/** Reads go through the WorkflowService so approval and batch workflows show what their type adds. */
export function workflowRoutes(app: FastifyInstance, workflows: WorkflowService): void {
  app.get<{ Params: { id: string } }>('/api/v1/workflows/:id/status', {
    schema: { params: idParams, response: { 200: workflowDetailSchema, ...errorResponses } },
  }, async (request) => presentView(await workflows.describe(request.params.id)));

  app.get<{ Params: { id: string } }>('/api/v1/workflows/:id/receipt', {
    schema: { params: idParams, response: { 200: approvalReceiptSchema, ...errorResponses } },
  }, async (request) => workflows.receipt(request.params.id));

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
    const page = await workflows.list({ pageSize: q.page_size, pageToken: q.page_token, status: q.status_filter, startTime: q.start_time, endTime: q.end_time });
    return { workflows: page.items.map(presentView), next_page_token: page.nextPageToken };
  });
}
