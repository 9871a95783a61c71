import type { FastifyInstance } from 'fastify';
import { OPEN_MODE_PERMISSIONS, PERMISSIONS, ROLES, type AuthMode, type Principal } from '../../../core/auth/index.js';
import { arrayOf, closed, errorResponses, jsonResponse as json, nullable, str } from '../schemas/index.js';

/** Named schemas of this module, added with the others. */
export const whoamiSchemas = [
  {
    $id: 'Caller',
    ...closed({
      id: nullable(
        str({ description: 'the principal id (what approval requests list as approvers); null: anonymous, authentication off' }),
      ),
      kind: nullable(str({ description: 'api_key, jwt, mtls or admin_token; null: anonymous' })),
      name: nullable(str({ description: 'key name, token subject or certificate CN' })),
      roles: arrayOf(str({ enum: [...ROLES] })),
      permissions: arrayOf(str({ enum: [...PERMISSIONS] }), { description: 'what this caller may do here' }),
      auth_mode: str({ enum: ['off', 'required'] }),
    }),
  },
];

const present = (p: Principal | undefined, mode: AuthMode) =>
  p
    ? {
        id: p.id,
        kind: p.kind,
        name: p.name,
        roles: [...p.roles],
        permissions: PERMISSIONS.filter((x) => p.permissions.has(x)),
        auth_mode: mode,
      }
    : {
        id: null,
        kind: null,
        name: null,
        roles: [],
        permissions: PERMISSIONS.filter((x) => OPEN_MODE_PERMISSIONS.has(x)),
        auth_mode: mode,
      };

/**
 * Who the credential sent is, as this service sees it: a client (the console) learns the principal
 * id approvers are listed by and which of its pages the caller may use, without decoding tokens.
 */
export function whoamiRoute(app: FastifyInstance, mode: AuthMode): void {
  app.get(
    '/api/v1/auth/whoami',
    {
      schema: {
        tags: ['Administration'],
        operationId: 'whoAmI',
        summary: 'The caller as this service authenticates it',
        description:
          'Principal id, roles and permissions of the credential sent. With authentication off and no credential: anonymous (id null) ' +
          'with what anonymous callers may do.',
        response: {
          200: json('Caller', 'The caller', {
            id: 'api_key:6f1c2a9e-3b7d-4c1e-9a52-8d0f4b2e7c11',
            kind: 'api_key',
            name: 'analyst-alice',
            roles: ['security_analyst'],
            permissions: ['evidence.read', 'evidence.approve', 'audit.read'],
            auth_mode: 'required',
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => present(request.principal, mode),
  );
}
