import type { FastifyInstance } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { requirePermission } from '../auth/index.js';
import { EXAMPLES } from '../openapi/examples.js';
import { errorResponses, jsonResponse as json } from '../schemas/index.js';
import { presentKey } from './system.js';

/**
 * Admin: rotate the signing key. Who may is decided by the central route table (keys.rotate: the
 * admin role, e.g. an admin API key or the NOTARY_ADMIN_TOKEN bootstrap credential); the route
 * guard refuses again should the auth hook ever be missing.
 */
export function keyRoutes(app: FastifyInstance, notary: Notary): void {
  app.post(
    '/api/v1/keys/rotate',
    {
      preHandler: requirePermission('keys.rotate'),
      schema: {
        tags: ['Administration'],
        operationId: 'rotateSigningKey',
        summary: 'New signing-key version',
        description: 'New signatures use the new version; earlier versions stay in the trust root so old receipts verify. Admin only.',
        response: { 200: json('SigningKey', 'The new key version', EXAMPLES.signingKey), ...errorResponses(503) },
      },
    },
    async (request) => {
      const k = await notary.rotateKey();
      request.log.info({ key_id: k.keyId, version: k.version }, 'signing key rotated');
      return presentKey(k);
    },
  );
}
