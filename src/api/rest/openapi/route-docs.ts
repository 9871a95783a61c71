import { OPEN_MODE_PERMISSIONS, ROLE_PERMISSIONS, SCOPE_PERMISSIONS, type Permission } from '../../../core/auth/index.js';
import { routeRule } from '../auth/index.js';
import { authErrorResponses } from '../schemas/index.js';

/** Any one of these authenticates a request; which are accepted depends on the configuration. */
export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT or afdp_ API key',
    description:
      'A JWT from the configured issuer (NOTARY_OIDC_ISSUER; roles from NOTARY_OIDC_ROLES_CLAIM, scopes afdp.notary.read/write), ' +
      'or an API key `afdp_…`, or the bootstrap NOTARY_ADMIN_TOKEN.',
  },
  apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key created with POST /api/v1/auth/api-keys.' },
  mutualTLS: {
    type: 'mutualTLS',
    description: 'A client certificate from NOTARY_TLS_CA_FILE; its subject CN maps to roles (NOTARY_MTLS_SUBJECT_ROLES).',
  },
} as const;

const ANY_CREDENTIAL = Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] }));

function whoMay(permission: Permission): string {
  const roles = Object.entries(ROLE_PERMISSIONS)
    .filter(([, ps]) => ps.includes(permission))
    .map(([r]) => `\`${r}\``);
  const scopes = Object.entries(SCOPE_PERMISSIONS)
    .filter(([, ps]) => ps.includes(permission))
    .map(([s]) => `\`${s}\``);
  const open = OPEN_MODE_PERMISSIONS.has(permission)
    ? ' With authentication off (the default) anyone may.'
    : ' Always needs a credential, even with authentication off (e.g. the bootstrap NOTARY_ADMIN_TOKEN as a bearer token).';
  return `Needs permission \`${permission}\`: role ${roles.join(', ')}${scopes.length ? `, or scope ${scopes.join(', ')}` : ''}.${open}`;
}

interface RouteSchema {
  description?: string;
  response?: Record<string, unknown>;
  security?: unknown;
  [k: string]: unknown;
}

/**
 * @fastify/swagger's `transform`: the document states each route's authentication and permission
 * from THE route table (src/api/rest/auth/route-permissions.ts), so it cannot drift from what the
 * access hook enforces. Public routes need no credential; the others list the schemes and 401/403.
 */
export function documentAccess({
  schema,
  url,
  route,
}: {
  schema: RouteSchema;
  url: string;
  route: { method: string | string[]; url?: string };
}) {
  const method = [route.method].flat()[0]!;
  const rule = routeRule(method, route.url ?? url);
  if (rule === 'public') return { schema: { ...schema, security: [] }, url };
  const access = rule ? whoMay(rule.permission) : 'Not in the permission table: refused whenever authentication is on.';
  return {
    schema: {
      ...schema,
      security: ANY_CREDENTIAL,
      description: [schema.description, access].filter(Boolean).join('\n\n'),
      response: { ...schema.response, ...authErrorResponses() },
    },
    url,
  };
}
