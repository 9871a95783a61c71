import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { sendProblem } from '../problem.js';
import { errorResponses } from '../schemas.js';

const keySchema = {
  type: 'object',
  properties: { key_id: { type: 'string' }, version: { type: 'integer' }, algorithm: { type: 'string' }, public_key_pem: { type: 'string' }, created_at: { type: 'string' } },
} as const;

export function systemRoutes(app: FastifyInstance, notary: Notary): void {
  app.get('/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get('/ready', async (request, reply) => {
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
      response: {
        200: {
          type: 'object',
          properties: {
            signing_keys: { type: 'array', items: keySchema },
            transparency_log: {
              type: 'object',
              properties: {
                log_id: { type: 'string' }, url: { type: 'string' }, public_key_pem: { type: 'string' }, origin: { type: 'string' },
                api_version: { type: 'integer' }, key_name: { type: 'string' }, vkey: { type: 'string' }, tiles_url: { type: 'string' },
              },
            },
            timestamp_authorities: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  url: { type: 'string' }, cert_chain_pem: { type: 'array', items: { type: 'string' } },
                  valid_for: { type: 'object', properties: { start: { type: 'string' }, end: { type: 'string' } } },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const root = await notary.trustRoot();
    const log = root.transparency_log;
    return {
      signing_keys: root.signing_keys.map((k) => ({ key_id: k.keyId, version: k.version, algorithm: k.algorithm, public_key_pem: k.publicKeyPem, created_at: k.createdAt })),
      transparency_log: {
        log_id: log.logID, url: log.url, public_key_pem: log.publicKeyPem, origin: log.origin, api_version: log.apiVersion, key_name: log.keyName,
        ...(log.vkey && { vkey: log.vkey }), ...(log.tilesUrl && { tiles_url: log.tilesUrl }),
      },
      timestamp_authorities: root.timestamp_authorities.map((a) => ({ url: a.url, cert_chain_pem: a.certChainPem, valid_for: a.validFor })),
    };
  });
}
