import type { FastifyInstance } from 'fastify';
import type { LogReads } from '../../../ports/log-reads.js';
import { NotaryError } from '../../../core/errors.js';
import type { LogEntry } from '../../../ports/transparency-log.js';
import { EXAMPLES } from '../openapi/examples.js';
import { errorResponses, jsonResponse as json } from '../schemas/index.js';
import { tileRoutes } from './tiles.js';

/** Rekor v1's JSON for one entry: `{ "<uuid>": { body, integratedTime, logID, logIndex, verification } }`. */
const toRekorJson = (e: LogEntry) => ({
  [e.uuid]: {
    body: e.body,
    integratedTime: e.integratedTime,
    logID: e.logID,
    logIndex: e.logIndex,
    verification: { inclusionProof: e.inclusionProof, signedEntryTimestamp: e.signedEntryTimestamp },
  },
});

/** sizes and indices are bigint columns read as JavaScript numbers: beyond 2^53−1 is the caller's error */
const treeSize = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

const tags = ['Transparency log'];

/**
 * The embedded log's read API, shaped like Rekor's so Rekor tooling (and AFDP's rekor_log_id lookups)
 * can follow it, and its C2SP tiles.
 */
export function transparencyLogRoutes(app: FastifyInstance, log: LogReads): void {
  tileRoutes(app, log);

  app.get(
    '/api/v1/log',
    {
      schema: {
        tags,
        operationId: 'getLogInfo',
        summary: "The log's latest signed checkpoint (Rekor: GET /api/v1/log)",
        response: { 200: json('LogInfo', 'Tree size, root hash and the signed checkpoint', EXAMPLES.logInfo), ...errorResponses() },
      },
    },
    async () => {
      const cp = await log.checkpoint();
      return { rootHash: cp.rootHash, treeSize: cp.treeSize, signedTreeHead: cp.note, treeID: log.logID };
    },
  );

  app.get(
    '/api/v1/log/publicKey',
    {
      schema: {
        tags,
        operationId: 'getLogPublicKey',
        summary: "The log's public key, PEM (Rekor: GET /api/v1/log/publicKey)",
        response: {
          200: {
            description: 'SPKI PEM',
            content: { 'application/x-pem-file': { schema: { type: 'string' }, example: EXAMPLES.logPublicKeyPem } },
          },
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => reply.type('application/x-pem-file').send((await log.info()).publicKeyPem),
  );

  app.get<{ Querystring: { firstSize: number; lastSize: number } }>(
    '/api/v1/log/proof',
    {
      schema: {
        tags,
        operationId: 'getLogProof',
        summary: 'Consistency proof between two tree sizes (Rekor: GET /api/v1/log/proof)',
        querystring: {
          type: 'object',
          required: ['lastSize'],
          properties: { firstSize: { ...treeSize, default: 1 }, lastSize: treeSize },
        },
        response: { 200: json('ConsistencyProof', 'RFC 6962 consistency proof', EXAMPLES.consistencyProof), ...errorResponses(422) },
      },
    },
    async (request) => log.consistencyProof(request.query.firstSize, request.query.lastSize),
  );

  app.get<{ Params: { uuid: string } }>(
    '/api/v1/log/entries/:uuid',
    {
      schema: {
        tags,
        operationId: 'getLogEntryByUuid',
        summary: "One entry by UUID: a receipt's rekor_log_id (Rekor: GET /api/v1/log/entries/{entryUUID})",
        params: {
          type: 'object',
          required: ['uuid'],
          properties: {
            uuid: {
              type: 'string',
              pattern: '^([0-9a-f]{16})?[0-9a-f]{64}$',
              description: 'entry UUID (64 hex), optionally after a 16-hex tree ID',
            },
          },
        },
        response: { 200: json('LogEntryMap', 'The entry with its inclusion proof and SET', EXAMPLES.logEntry), ...errorResponses(404) },
      },
    },
    async (request) => {
      const entry = await log.entry({ uuid: request.params.uuid.slice(-64) });
      if (!entry) throw new NotaryError('not_found', `no log entry ${request.params.uuid}`);
      return toRekorJson(entry);
    },
  );

  app.get<{ Querystring: { logIndex: number } }>(
    '/api/v1/log/entries',
    {
      schema: {
        tags,
        operationId: 'getLogEntryByIndex',
        summary: 'One entry by index (Rekor: GET /api/v1/log/entries?logIndex=)',
        querystring: {
          type: 'object',
          required: ['logIndex'],
          properties: { logIndex: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
        },
        response: { 200: json('LogEntryMap', 'The entry with its inclusion proof and SET', EXAMPLES.logEntry), ...errorResponses(404) },
      },
    },
    async (request) => {
      const entry = await log.entry({ logIndex: request.query.logIndex });
      if (!entry) throw new NotaryError('not_found', `no log entry at index ${request.query.logIndex}`);
      return toRekorJson(entry);
    },
  );
}
