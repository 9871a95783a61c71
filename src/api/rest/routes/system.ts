import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { EXAMPLES } from '../openapi/examples.js';
import { sendProblem } from '../problem.js';
import { errorResponses, jsonResponse as json } from '../schemas/index.js';

export const presentKey = (k: { keyId: string; version: number; algorithm: string; publicKeyPem: string; createdAt: string }) =>
  ({ key_id: k.keyId, version: k.version, algorithm: k.algorithm, public_key_pem: k.publicKeyPem, created_at: k.createdAt });

export function systemRoutes(app: FastifyInstance, notary: Notary, version: string): void {
  app.get('/health', {
    schema: {
      tags: ['Health'], operationId: 'healthCheck', summary: 'Liveness (AFDP\'s health check)',
      description: 'Answers while the process serves requests; it does not call the dependencies (GET /ready does).',
      response: { 200: json('Health', 'The service is up', EXAMPLES.health), ...errorResponses() },
    },
  }, async () => ({ status: 'healthy', timestamp: new Date().toISOString(), version }));

  app.get('/ready', {
    schema: {
      tags: ['Health'], operationId: 'readiness', summary: 'Readiness: store, signer and log answer',
      response: { 200: json('Ready', 'Every dependency answers', { status: 'ready' }), ...errorResponses(503) },
    },
  }, async (request, reply) => {
    try {
      await notary.ready();
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'not ready');
      return sendProblem(reply, request, 503, 'unavailable', 'a dependency (store, signer or log) is not answering');
    }
  });

  app.get('/api/v1/trust-root', {
    schema: {
      tags: ['Verification'], operationId: 'getTrustRoot', summary: 'The keys receipts are verified with',
      description: 'Every signing-key version (rotation keeps old ones) and the transparency log\'s ID, URL and key. Publish it out of band; '
        + '`npx afdp-notary verify` checks receipts offline against it.',
      response: { 200: json('TrustRoot', 'The trust root', EXAMPLES.trustRoot), ...errorResponses() },
    },
  }, async () => {
    const root = await notary.trustRoot();
    return {
      signing_keys: root.signing_keys.map(presentKey),
      transparency_log: { log_id: root.transparency_log.logID, url: root.transparency_log.url, public_key_pem: root.transparency_log.publicKeyPem, origin: root.transparency_log.origin },
    };
  });
}
