import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Notary } from '../../../core/notary.js';
import { sendProblem } from '../problem.js';
import { errorResponses } from '../schemas.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Admin: rotate the signing key. Until role-based access control exists, the admin API is closed
 * unless NOTARY_ADMIN_TOKEN is set, and then needs `Authorization: Bearer <token>`.
 */
export function keyRoutes(app: FastifyInstance, notary: Notary, adminToken: string | undefined): void {
  const expected = adminToken ? digest(adminToken) : undefined;
  const requireAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) return sendProblem(reply, request, 403, 'forbidden', 'the admin API is disabled (set NOTARY_ADMIN_TOKEN)');
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    // compare digests: constant time, and no length leak
    if (!token || !timingSafeEqual(digest(token), expected)) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, request, 401, 'unauthenticated', 'a valid admin bearer token is required');
    }
  };
  app.post('/api/v1/keys/rotate', {
    preHandler: requireAdmin,
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
