import type { FastifyInstance } from 'fastify';
import type { ApiKeys } from '../../../ports/api-keys.js';
import { ROLES, type Role } from '../../../core/auth/index.js';
import { NotaryError } from '../../../core/errors.js';
import { EXAMPLES } from '../openapi/examples.js';
import { arrayOf, closed, dateTime, errorResponses, jsonResponse as json, nullable, str } from '../schemas/index.js';
import { requirePermission } from './request.js';

const keyInfoFields = {
  id: str(),
  name: str(),
  roles: arrayOf(str({ enum: [...ROLES] })),
  hint: str({ description: 'the first characters of the key, to recognise it; not enough to use it' }),
  created_at: dateTime(),
  created_by: nullable(str()),
  revoked_at: nullable(dateTime()),
  revoked_by: nullable(str()),
};

/** Named schemas of this module, added with the others. */
export const apiKeySchemas = [
  { $id: 'ApiKey', ...closed(keyInfoFields) },
  {
    $id: 'ApiKeyCreated',
    ...closed({ ...keyInfoFields, api_key: str({ description: 'the key itself: shown this once, stored only as SHA-256' }) }),
  },
  { $id: 'ApiKeyList', ...closed({ api_keys: arrayOf({ $ref: 'ApiKey#' }) }) },
];
const tags = ['Administration'];

/** Admin API for API keys. The key is in the creation response only: it is never stored, only its hash. */
export function apiKeyRoutes(app: FastifyInstance, keys: ApiKeys): void {
  const guard = requirePermission('apikeys.manage');

  app.post<{ Body: { name: string; roles: Role[] } }>(
    '/api/v1/auth/api-keys',
    {
      preHandler: guard,
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key (admin)',
        description: 'Send it as `X-API-Key` or `Authorization: Bearer afdp_…`. The answer is the only time the key is shown.',
        body: {
          type: 'object',
          required: ['name', 'roles'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            roles: { type: 'array', minItems: 1, maxItems: ROLES.length, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
          },
          examples: [{ name: 'ci-pipeline', roles: ['ai_engineer'] }],
        },
        response: { 201: json('ApiKeyCreated', 'Created; Cache-Control: no-store', EXAMPLES.apiKeyCreated), ...errorResponses(415) },
      },
    },
    async (request, reply) => {
      const { key, info } = await keys.create({
        name: request.body.name,
        roles: request.body.roles,
        createdBy: request.principal?.id ?? null,
      });
      // nothing about the key goes to the log: the audit row keeps its id
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...info, api_key: key });
    },
  );

  app.get(
    '/api/v1/auth/api-keys',
    {
      preHandler: guard,
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys (admin)',
        response: {
          200: json('ApiKeyList', 'Every key, revoked ones included; never the keys themselves', { api_keys: [EXAMPLES.apiKey] }),
          ...errorResponses(),
        },
      },
    },
    async () => ({ api_keys: await keys.list() }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/auth/api-keys/:id',
    {
      preHandler: guard,
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (admin)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: {
          200: json('ApiKey', 'The revoked key', { ...EXAMPLES.apiKey, revoked_at: '2026-11-24T09:30:00.000Z', revoked_by: 'admin-token' }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const info = await keys.revoke(request.params.id, request.principal?.id ?? null);
      if (!info) throw new NotaryError('not_found', `no API key ${request.params.id}`);
      return info;
    },
  );
}
