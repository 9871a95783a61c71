import type { FastifyInstance } from 'fastify';
import type { EmbeddedLog } from '../../../adapters/translog/embedded/index.js';
import { NotaryError } from '../../../core/errors.js';
import type { LogEntry } from '../../../ports/transparency-log.js';
import { errorResponses } from '../schemas.js';
import { tileRoutes } from './tiles.js';

/** Rekor v1's JSON for one entry: `{ "<uuid>": { body, integratedTime, logID, logIndex, verification } }`. */
const toRekorJson = (e: LogEntry) => ({
  [e.uuid]: {
    body: e.body, integratedTime: e.integratedTime, logID: e.logID, logIndex: e.logIndex,
    verification: { inclusionProof: e.inclusionProof, signedEntryTimestamp: e.signedEntryTimestamp },
  },
});

/** The embedded log's read API, shaped like Rekor's so Rekor tooling can follow it, and its tiles. */
export function transparencyLogRoutes(app: FastifyInstance, log: EmbeddedLog): void {
  tileRoutes(app, log);

  app.get('/api/v1/log', async () => {
    const cp = await log.checkpoint();
    return { rootHash: cp.rootHash, treeSize: cp.treeSize, signedTreeHead: cp.note, treeID: log.logID };
  });

  app.get('/api/v1/log/publicKey', async (_request, reply) =>
    reply.type('application/x-pem-file').send((await log.info()).publicKeyPem));

  app.get<{ Querystring: { firstSize: number; lastSize: number } }>('/api/v1/log/proof', {
    schema: {
      querystring: {
        type: 'object', required: ['lastSize'],
        properties: { firstSize: { type: 'integer', minimum: 1, default: 1 }, lastSize: { type: 'integer', minimum: 1 } },
      },
      response: errorResponses,
    },
  }, async (request) => log.consistencyProof(request.query.firstSize, request.query.lastSize));

  app.get<{ Params: { uuid: string } }>('/api/v1/log/entries/:uuid', {
    schema: { params: { type: 'object', properties: { uuid: { type: 'string', pattern: '^([0-9a-f]{16})?[0-9a-f]{64}$' } } }, response: errorResponses },
  }, async (request) => {
    const entry = await log.entry({ uuid: request.params.uuid.slice(-64) });
    if (!entry) throw new NotaryError('not_found', `no log entry ${request.params.uuid}`);
    return toRekorJson(entry);
  });

  app.get<{ Querystring: { logIndex: number } }>('/api/v1/log/entries', {
    schema: { querystring: { type: 'object', required: ['logIndex'], properties: { logIndex: { type: 'integer', minimum: 0 } } }, response: errorResponses },
  }, async (request) => {
    const entry = await log.entry({ logIndex: request.query.logIndex });
    if (!entry) throw new NotaryError('not_found', `no log entry at index ${request.query.logIndex}`);
    return toRekorJson(entry);
  });
}
