import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkIdempotencyKey } from '../../core/request-rules.js';

/** The header a workflow-creating route takes, and the one its replay answers with (OpenAPI). */
export const workflowIdempotencySchema = {
  headers: {
    type: 'object',
    properties: {
      'idempotency-key': {
        type: 'string',
        description:
          'The same key and request give the workflow the first request created (Idempotent-Replayed: true), never a second one; ' +
          'the same key with another request is 422. 1-255 printable ASCII characters; shared with the gRPC idempotency_key.',
      },
    },
  },
  replayed: { 'idempotent-replayed': { type: 'string', enum: ['true'], description: 'present on a replay' } },
} as const;

/** The request's Idempotency-Key header, if any: 1-255 printable ASCII characters, else 400. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  return checkIdempotencyKey(request.headers['idempotency-key'], 'Idempotency-Key');
}

/** What a route hands the core for the audit row it commits with its work. */
export const auditContext = (request: FastifyRequest): Record<string, unknown> => ({
  door: 'rest',
  method: request.method,
  route: request.routeOptions.url ?? null,
  request_id: String(request.id),
  ip: request.ip,
});

/**
 * After the core answered: a replay says so (Idempotent-Replayed: true, nothing new was written); a
 * new result's audit row was committed with it, so the route's own row is not written again.
 */
export function markOutcome(request: FastifyRequest, reply: FastifyReply, replayed: boolean | undefined): void {
  if (replayed) reply.header('idempotent-replayed', 'true');
  else request.audited = true;
}
