import type { FastifyInstance } from 'fastify';
import type { AuditLog, AuditOutcome } from '../../../ports/audit.js';
import { EXAMPLES } from '../openapi/examples.js';
import { arrayOf, closed, dateTime, errorResponses, int, jsonResponse as json, nullable, pageSize, str } from '../schemas/index.js';
import { requirePermission } from './request.js';

/** Named schemas of this module, added with the others. */
export const auditSchemas = [
  {
    $id: 'AuditEntry',
    ...closed({
      seq: int({ minimum: 1 }),
      at: dateTime(),
      event: str(),
      outcome: str({ enum: ['success', 'failure', 'denied'] }),
      principal: nullable(str()),
      details: { type: 'object', additionalProperties: true, description: 'the parsed RFC 8785 text that was hashed' },
      prev_hash: str(),
      hash: str({ description: 'SHA-256 over the RFC 8785 form of the row without hash, prev_hash included' }),
    }),
  },
  { $id: 'AuditPage', ...closed({ entries: arrayOf({ $ref: 'AuditEntry#' }), next_page_token: nullable(str()) }) },
];

interface AuditQuerystring {
  event?: string;
  principal?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
  page_size: number;
  page_token?: string;
}

/**
 * The audit trail, newest first. `details` is the parsed RFC 8785 text that was hashed, so a client
 * can recompute each row's hash (canonicalize the row, prev_hash included) and check the links itself.
 */
export function auditRoutes(app: FastifyInstance, audit: AuditLog): void {
  app.get<{ Querystring: AuditQuerystring }>(
    '/api/v1/audit',
    {
      preHandler: requirePermission('audit.read'),
      schema: {
        tags: ['Administration'],
        operationId: 'readAuditTrail',
        summary: 'The hash-chained audit trail, newest first (audit.read)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            event: { type: 'string', maxLength: 128 },
            principal: { type: 'string', maxLength: 512 },
            outcome: { type: 'string', enum: ['success', 'failure', 'denied'] },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            page_size: pageSize,
            page_token: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' },
          },
        },
        response: { 200: json('AuditPage', 'One page', EXAMPLES.auditPage), ...errorResponses() },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await audit.query({
        event: q.event,
        principal: q.principal,
        outcome: q.outcome,
        since: q.since,
        until: q.until,
        pageSize: q.page_size,
        beforeSeq: q.page_token === undefined ? undefined : Number(q.page_token),
      });
      return {
        entries: page.items.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> })),
        next_page_token: page.nextBeforeSeq === null ? null : String(page.nextBeforeSeq),
      };
    },
  );
}
