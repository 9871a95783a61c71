import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { requirePermission } from '../auth/index.js';
import { errorResponses } from '../schemas.js';

/**
 * Admin: rotate the signing key. Who may is decided by the central route table (keys.rotate: the
 * admin role, e.g. an admin API key or the NOTARY_ADMIN_TOKEN bootstrap credential); the route
 * guard refuses again should the auth hook ever be missing.
 */
export function keyRoutes(app: FastifyInstance, notary: Notary): void {
  app.post('/api/v1/keys/rotate', {
    preHandler: requirePermission('keys.rotate'),
    schema: {
      response: {
        200: {
          type: 'object',
          properties: { key_id: { type: 'string' }, version: { type: 'integer' }, algorithm: { type: 'string' }, public_key_pem: { type: 'string' }, created_at: { type: 'string' } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const k = await notary.rotateKey();
    request.log.info({ key_id: k.keyId, version: k.version }, 'signing key rotated');
    return { key_id: k.keyId, version: k.version, algorithm: k.algorithm, public_key_pem: k.publicKeyPem, created_at: k.createdAt };
  });
}
