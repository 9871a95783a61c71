import type { FastifyInstance } from 'fastify';
import { MAX_WORKFLOW_ID_LENGTH } from '../../../core/request-rules.js';
import { WORKFLOW_STATUSES, type WorkflowStatus } from '../../../core/workflow.js';
import type { WorkflowService } from '../../../core/workflows/index.js';
import { EXAMPLES } from '../openapi/examples.js';
import { errorResponses, jsonResponse as json, pageSize, pageToken } from '../schemas/index.js';
import { presentSummary, presentView } from '../workflow-present.js';

export const workflowIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: MAX_WORKFLOW_ID_LENGTH, description: 'workflow_id' } },
} as const;

/** Reads go through the WorkflowService so approval and batch workflows show what their type adds. */
export function workflowRoutes(app: FastifyInstance, workflows: WorkflowService): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/workflows/:id/status',
    {
      schema: {
        tags: ['Workflows'],
        operationId: 'getWorkflowStatus',
        summary: "A workflow's status",
        description:
          "Simple and approval workflows carry their receipt once completed; approval workflows each approver's decision; " +
          "batches every item's result.",
        params: workflowIdParams,
        response: { 200: json('WorkflowStatusResponse', 'The workflow', EXAMPLES.approvalStatus), ...errorResponses(404) },
      },
    },
    async (request) => presentView(await workflows.describe(request.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/workflows/:id/receipt',
    {
      schema: {
        tags: ['Workflows'],
        operationId: 'getNotarizationReceipt',
        summary: 'The receipt of a signed workflow',
        description: 'Derived from what was stored: after a deferred anchor it shows the log entry. 404 until the workflow has signed.',
        params: workflowIdParams,
        response: { 200: json('Receipt', "AFDP's NotarizationReceipt and more", EXAMPLES.receipt), ...errorResponses(404) },
      },
    },
    async (request) => workflows.receipt(request.params.id),
  );

  app.get<{
    Querystring: { page_size: number; page_token?: string; status_filter?: WorkflowStatus; start_time?: string; end_time?: string };
  }>(
    '/api/v1/workflows',
    {
      schema: {
        tags: ['Workflows'],
        operationId: 'listWorkflows',
        summary: 'List workflows, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page_size: pageSize,
            page_token: { ...pageToken, description: 'next_page_token of the previous page' },
            status_filter: { type: 'string', enum: [...WORKFLOW_STATUSES] },
            start_time: { type: 'string', format: 'date-time', description: 'created at or after' },
            end_time: { type: 'string', format: 'date-time', description: 'created before' },
          },
        },
        response: { 200: json('ListWorkflowsResponse', 'One page and the total', EXAMPLES.workflowList), ...errorResponses() },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await workflows.list({
        pageSize: q.page_size,
        pageToken: q.page_token,
        status: q.status_filter,
        startTime: q.start_time,
        endTime: q.end_time,
      });
      return { workflows: page.items.map(presentSummary), next_page_token: page.nextPageToken, total_count: page.totalCount };
    },
  );
}
