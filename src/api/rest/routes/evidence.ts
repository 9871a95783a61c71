import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { MAX_WAIT_ANCHORED_MS } from '../../../core/request-rules.js';
import type { StoredEvidence } from '../../../core/workflow.js';
import { auditContext, idempotencyKeyOf, markOutcome } from '../idempotency.js';
import { EXAMPLES } from '../openapi/examples.js';
import {
  CHECKED_BY_CORE,
  errorResponses,
  evidencePackageMember,
  hashParam,
  jsonResponse as json,
  pageSize,
  pageToken,
  ref,
  str,
} from '../schemas/index.js';

/** A stored package as the API shows it: submitted_by always present (null: anonymous). */
const presentEvidence = (e: StoredEvidence) => ({ ...e, submitted_by: e.submitted_by ?? null });

export function evidenceRoutes(app: FastifyInstance, notary: Notary): void {
  app.post<{
    Body: { evidence_package: unknown };
    Headers: { 'idempotency-key'?: string };
    Querystring: { wait?: 'anchored'; wait_timeout_ms: number };
  }>(
    '/api/v1/evidence/sign',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'signEvidence',
        summary: 'Sign an evidence package',
        description:
          'Validates, canonicalizes (RFC 8785), signs (ECDSA P-256, or P-384 for Suite B) and stores the package, anchors the signature in the ' +
          'transparency log and answers with the receipt. If the log cannot be reached the signature is still stored and the receipt ' +
          'says `anchoring: pending`; the notary anchors it later (GET /api/v1/workflows/{workflow_id}/receipt).',
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': str({
              description:
                'The same key and package give the same receipt (Idempotent-Replayed: true), never a second signature; ' +
                'the same key with another package is 422. 1-255 printable ASCII characters.',
            }),
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            wait: {
              type: 'string',
              enum: ['anchored'],
              description: 'if the log is briefly unreachable, keep retrying the anchor before answering',
            },
            wait_timeout_ms: { type: 'integer', minimum: 0, maximum: MAX_WAIT_ANCHORED_MS, default: 10_000 },
          },
        },
        body: {
          type: 'object',
          required: ['evidence_package'],
          additionalProperties: false,
          properties: { evidence_package: evidencePackageMember() },
          examples: [EXAMPLES.signRequest],
        },
        response: {
          200: {
            ...json(
              'SignEvidenceResponse',
              "Signed and stored (AFDP's SignEvidenceResponse). `Idempotent-Replayed: true` when an earlier request with the same Idempotency-Key produced it.",
              EXAMPLES.signResponse,
            ),
            headers: { 'idempotent-replayed': { type: 'string', enum: ['true'], description: 'present on a replay' } },
          },
          ...errorResponses(413, 415, 422, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request);
      const waitAnchoredMs = request.query.wait === 'anchored' ? request.query.wait_timeout_ms : 0;
      const result = await notary.notarize(request.body.evidence_package, {
        idempotencyKey: key,
        waitAnchoredMs,
        principal: request.principal?.id,
        audit: auditContext(request),
      });
      markOutcome(request, reply, result.replayed);
      return { workflow_id: result.workflow.id, receipt: result.receipt, status: result.workflow.status, warnings: result.warnings };
    },
  );

  app.post<{ Body: { evidence_package: unknown; receipt?: unknown; signature?: string } }>(
    '/api/v1/evidence/validate',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'validateEvidence',
        summary: 'Validate an evidence package against a receipt or a signature',
        description:
          'With `receipt`: recomputes the hash and checks signature, log entry (SET, inclusion proof, checkpoint) and timestamp ' +
          "offline against this notary's trust root, never the key the receipt carries. With only `signature` (AFDP's form): valid when " +
          'this notary issued that signature for this package; its receipt is then checked the same way. A receipt wins when both are sent.',
        body: {
          type: 'object',
          required: ['evidence_package'],
          additionalProperties: false,
          properties: {
            evidence_package: evidencePackageMember(),
            receipt: { ...ref('Receipt'), [CHECKED_BY_CORE]: true },
            signature: str({ description: "base64 signature (a receipt's signature_b64)" }),
          },
          anyOf: [{ required: ['receipt'] }, { required: ['signature'] }],
          examples: [EXAMPLES.validateRequest, EXAMPLES.validateSignatureRequest],
        },
        response: {
          200: json('ValidateEvidenceResponse', 'The verdict: 200 whether or not the package is valid', EXAMPLES.validateResponse),
          ...errorResponses(413, 415, 422),
        },
      },
    },
    async (request) => {
      const { evidence_package: pkg, receipt, signature } = request.body;
      return receipt !== undefined ? notary.validate(pkg, receipt) : notary.validateSignature(pkg, signature!);
    },
  );

  app.get<{ Params: { hash: string } }>(
    '/api/v1/evidence/:hash',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'getEvidence',
        summary: 'The stored package and the workflows that notarized it',
        params: { type: 'object', required: ['hash'], properties: { hash: { ...hashParam, description: 'evidence_package_hash' } } },
        response: { 200: json('StoredEvidence', 'The package exactly as signed', EXAMPLES.storedEvidence), ...errorResponses(404, 410) },
      },
    },
    async (request) => presentEvidence(await notary.getEvidence(request.params.hash)),
  );

  app.get<{
    Querystring: {
      artifact_hash?: string;
      event_type?: string;
      actor_id?: string;
      start_time?: string;
      end_time?: string;
      page_size: number;
      page_token?: string;
    };
  }>(
    '/api/v1/evidence',
    {
      schema: {
        tags: ['Evidence'],
        operationId: 'findEvidence',
        summary: 'Find evidence by artifact hash, event type, actor or time stored',
        description: 'Newest first; filters combine with AND.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            artifact_hash: { ...hashParam, description: 'packages listing an artifact with this hash_sha256' },
            event_type: { type: 'string', maxLength: 256 },
            actor_id: { type: 'string', maxLength: 1024, description: 'actor.id' },
            start_time: { type: 'string', format: 'date-time', description: 'stored at or after' },
            end_time: { type: 'string', format: 'date-time', description: 'stored before' },
            page_size: pageSize,
            page_token: { ...pageToken, description: 'next_page_token of the previous page' },
          },
        },
        response: { 200: json('EvidenceList', 'One page', EXAMPLES.evidenceList), ...errorResponses() },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await notary.findEvidence({
        artifactHash: q.artifact_hash,
        eventType: q.event_type,
        actorId: q.actor_id,
        startTime: q.start_time,
        endTime: q.end_time,
        pageSize: q.page_size,
        pageToken: q.page_token,
      });
      return { evidence: page.items.map(presentEvidence), next_page_token: page.nextPageToken };
    },
  );
}
