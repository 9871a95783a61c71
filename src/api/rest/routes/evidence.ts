import type { FastifyInstance } from 'fastify';
import { NotaryError } from '../../../core/errors.js';
import type { Notary } from '../../../core/notary.js';
import { errorResponses, hashParam, pageSize, pageToken, receiptSchema, storedEvidenceSchema } from '../schemas.js';

/** bound on ?wait=anchored: a request must not hold a connection open indefinitely */
const MAX_WAIT_MS = 30_000;
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;

export function evidenceRoutes(app: FastifyInstance, notary: Notary): void {
  app.post<{ Body: { evidence_package: unknown }; Headers: { 'idempotency-key'?: string }; Querystring: { wait?: 'anchored'; wait_timeout_ms: number } }>('/api/v1/evidence/sign', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { wait: { type: 'string', enum: ['anchored'] }, wait_timeout_ms: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS, default: 10_000 } },
      },
      body: { type: 'object', required: ['evidence_package'], additionalProperties: false, properties: { evidence_package: { type: 'object' } } },
      response: {
        201: { type: 'object', properties: { workflow_id: { type: 'string' }, status: { type: 'string' }, receipt: receiptSchema } },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) {
      throw new NotaryError('invalid_request', 'Idempotency-Key must be 1-255 printable ASCII characters', { field: 'Idempotency-Key' });
    }
    const waitAnchoredMs = request.query.wait === 'anchored' ? request.query.wait_timeout_ms : 0;
    const result = await notary.notarize(request.body.evidence_package, { idempotencyKey: key, waitAnchoredMs, principal: request.principal?.id });
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).send({ workflow_id: result.workflow.id, status: result.workflow.status, receipt: result.receipt });
  });

  app.post<{ Body: { evidence_package: unknown; receipt: unknown } }>('/api/v1/evidence/validate', {
    schema: {
      body: {
        type: 'object', required: ['evidence_package', 'receipt'], additionalProperties: false,
        properties: { evidence_package: { type: 'object' }, receipt: { type: 'object' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            is_valid: { type: 'boolean' }, validation_error: { type: ['string', 'null'] },
            validation_result: {
              type: 'object',
              properties: {
                signature_valid: { type: 'boolean' }, evidence_hash_valid: { type: 'boolean' }, rekor_entry_valid: { type: 'boolean' },
                timestamp_valid: { type: 'boolean' }, warnings: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => notary.validate(request.body.evidence_package, request.body.receipt));

  app.get<{ Params: { hash: string } }>('/api/v1/evidence/:hash', {
    schema: { params: { type: 'object', properties: { hash: hashParam } }, response: { 200: storedEvidenceSchema, ...errorResponses } },
  }, async (request) => notary.getEvidence(request.params.hash));

  app.get<{ Querystring: { artifact_hash?: string; event_type?: string; actor_id?: string; page_size: number; page_token?: string } }>('/api/v1/evidence', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { artifact_hash: hashParam, event_type: { type: 'string', maxLength: 256 }, actor_id: { type: 'string', maxLength: 1024 }, page_size: pageSize, page_token: pageToken },
      },
      response: {
        200: { type: 'object', properties: { evidence: { type: 'array', items: storedEvidenceSchema }, next_page_token: { type: ['string', 'null'] } } },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    const page = await notary.findEvidence({ artifactHash: q.artifact_hash, eventType: q.event_type, actorId: q.actor_id, pageSize: q.page_size, pageToken: q.page_token });
    return { evidence: page.items, next_page_token: page.nextPageToken };
  });
}
