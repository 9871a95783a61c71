import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { EXAMPLES } from '../openapi/examples.js';
import { sendProblem } from '../problem.js';
import { errorResponses, jsonResponse as json } from '../schemas/index.js';

export const presentKey = (k: { keyId: string; version: number; algorithm: string; publicKeyPem: string; createdAt: string }) => ({
  key_id: k.keyId,
  version: k.version,
  algorithm: k.algorithm,
  public_key_pem: k.publicKeyPem,
  created_at: k.createdAt,
});

export function systemRoutes(app: FastifyInstance, notary: Notary, version: string): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['Health'],
        operationId: 'healthCheck',
        summary: "Liveness (AFDP's health check)",
        description: 'Answers while the process serves requests; it does not call the dependencies (GET /ready does).',
        response: { 200: json('Health', 'The service is up', EXAMPLES.health), ...errorResponses() },
      },
    },
    async () => ({ status: 'healthy', timestamp: new Date().toISOString(), version }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['Health'],
        operationId: 'readiness',
        summary: 'Readiness: store, signer and log answer',
        response: { 200: json('Ready', 'Every dependency answers', { status: 'ready' }), ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      try {
        await notary.ready();
        return { status: 'ready' };
      } catch (err) {
        request.log.warn({ err }, 'not ready');
        return sendProblem(reply, request, 503, 'unavailable', 'a dependency (store, signer or log) is not answering');
      }
    },
  );

  app.get(
    '/api/v1/trust-root',
    {
      schema: {
        tags: ['Verification'],
        operationId: 'getTrustRoot',
        summary: 'The keys, log and timestamp authorities receipts are verified with',
        description:
          "Every signing-key version (rotation keeps old ones), the transparency log's ID, URL and key, and the RFC 3161 " +
          "timestamp authorities' certificate chains. Publish it out of band; `npx afdp-notary verify` checks receipts offline against it, " +
          'and `npx afdp-notary trust-root --sigstore` turns it into a Sigstore trusted root.',
        response: { 200: json('TrustRoot', 'The trust root', EXAMPLES.trustRoot), ...errorResponses() },
      },
    },
    async () => {
      const root = await notary.trustRoot();
      const log = root.transparency_log;
      return {
        signing_keys: root.signing_keys.map(presentKey),
        transparency_log: {
          log_id: log.logID,
          url: log.url,
          public_key_pem: log.publicKeyPem,
          origin: log.origin,
          api_version: log.apiVersion,
          key_name: log.keyName,
          ...(log.vkey && { vkey: log.vkey }),
          ...(log.tilesUrl && { tiles_url: log.tilesUrl }),
        },
        timestamp_authorities: root.timestamp_authorities.map((a) => ({
          url: a.url,
          cert_chain_pem: a.certChainPem,
          valid_for: a.validFor,
        })),
      };
    },
  );
}
