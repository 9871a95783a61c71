import type { FastifyInstance } from 'fastify';
import type { SqlApiKeyStore } from '../../../adapters/auth/index.js';
import { ROLES, type Role } from '../../../core/auth/index.js';
import { NotaryError } from '../../../core/errors.js';
import { errorResponses } from '../schemas.js';
import { requirePermission } from './request.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const keyInfoSchema = {
  type: 'object',
  properties: {
    id: str, name: str, roles: { type: 'array', items: str }, hint: str,
    created_at: str, created_by: nullableStr, revoked_at: nullableStr, revoked_by: nullableStr,
  },
} as const;

/** Admin API for API keys. The key is in the creation response only: it is never stored, only its hash. */
export function apiKeyRoutes(app: FastifyInstance, keys: SqlApiKeyStore): void {
  const guard = requirePermission('apikeys.manage');

  app.post<{ Body: { name: string; roles: Role[] } }>('/api/v1/auth/api-keys', {
    preHandler: guard,
    schema: {
      body: {
        type: 'object', required: ['name', 'roles'], additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          roles: { type: 'array', minItems: 1, maxItems: ROLES.length, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
        },
      },
      response: { 201: { ...keyInfoSchema, properties: { ...keyInfoSchema.properties, api_key: str } }, ...errorResponses },
    },
  }, async (request, reply) => {
    const { key, info } = await keys.create({ name: request.body.name, roles: request.body.roles, createdBy: request.principal?.id ?? null });
    // nothing about the key goes to the log: the audit row keeps its id
    return reply.code(201).header('cache-control', 'no-store').send({ ...info, api_key: key });
  });

  app.get('/api/v1/auth/api-keys', {
    preHandler: guard,
    schema: { response: { 200: { type: 'object', properties: { api_keys: { type: 'array', items: keyInfoSchema } } }, ...errorResponses } },
  }, async () => ({ api_keys: await keys.list() }));

  app.delete<{ Params: { id: string } }>('/api/v1/auth/api-keys/:id', {
    preHandler: guard,
    schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } }, response: { 200: keyInfoSchema, ...errorResponses } },
  }, async (request) => {
    const info = await keys.revoke(request.params.id, request.principal?.id ?? null);
    if (!info) throw new NotaryError('not_found', `no API key ${request.params.id}`);
    return info;
  });
}
