import type { AccessRule, Permission } from '../../../core/auth/index.js';

export interface RouteRule {
  permission: Permission;
  /** audit event written when the route answers; unset: not audited (plain reads of public data) */
  audit?: string;
  /** copy the response's ids (workflow_id, hash, version…) into the audit row */
  captureIds?: boolean;
}

/**
 * THE table: `METHOD /route/pattern` (fastify's pattern, HEAD as GET) → what the caller needs.
 * A route that is not here is denied when auth is on: add new routes here, nowhere else.
 * The trust root and the transparency log are public by design: verifiers need them without an account.
 */
export const ROUTE_RULES: Readonly<Record<string, RouteRule | 'public'>> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': 'public',
  'OPTIONS *': 'public', // CORS preflight carries no credentials
  'GET /api/v1/trust-root': 'public',
  'GET /api/v1/log': 'public',
  'GET /api/v1/log/publicKey': 'public',
  'GET /api/v1/log/proof': 'public',
  'GET /api/v1/log/entries/:uuid': 'public',
  'GET /api/v1/log/entries': 'public',
  // C2SP tlog-tiles of the embedded log: witnesses and monitors have no account either
  'GET /api/v1/log/tiles/checkpoint': 'public',
  'GET /api/v1/log/tiles/tile/*': 'public',
  // the API's own description and Swagger UI (its page, assets and the copy of the document it loads)
  'GET /api-docs/openapi.json': 'public',
  'GET /swagger-ui': 'public',
  'GET /swagger-ui/': 'public',
  'GET /swagger-ui/json': 'public',
  'GET /swagger-ui/yaml': 'public',
  'GET /swagger-ui/static/index.html': 'public',
  'GET /swagger-ui/static/swagger-initializer.js': 'public',
  'GET /swagger-ui/static/*': 'public',

  'POST /api/v1/evidence/sign': { permission: 'evidence.create', audit: 'evidence.created', captureIds: true },
  'POST /api/v1/evidence/sign/approval': { permission: 'evidence.create', audit: 'evidence.approval_requested', captureIds: true },
  'POST /api/v1/evidence/sign/batch': { permission: 'evidence.create', audit: 'evidence.batch_created', captureIds: true },
  'POST /api/v1/evidence/validate': { permission: 'evidence.read' },
  'GET /api/v1/evidence/:hash': { permission: 'evidence.read', audit: 'evidence.read' },
  'GET /api/v1/evidence': { permission: 'evidence.read', audit: 'evidence.read' },
  'GET /api/v1/workflows/:id/status': { permission: 'evidence.read', audit: 'evidence.read' },
  'GET /api/v1/workflows/:id/receipt': { permission: 'evidence.read', audit: 'evidence.read' },
  'GET /api/v1/workflows': { permission: 'evidence.read', audit: 'evidence.read' },
  'POST /api/v1/workflows/:id/approvals': { permission: 'evidence.approve', audit: 'approval.recorded', captureIds: true },

  'POST /api/v1/keys/rotate': { permission: 'keys.rotate', audit: 'key.rotated', captureIds: true },
  'POST /api/v1/auth/api-keys': { permission: 'apikeys.manage', audit: 'api_key.created', captureIds: true },
  'GET /api/v1/auth/api-keys': { permission: 'apikeys.manage' },
  'DELETE /api/v1/auth/api-keys/:id': { permission: 'apikeys.manage', audit: 'api_key.revoked', captureIds: true },
  'GET /api/v1/audit': { permission: 'audit.read', audit: 'audit.read' },
};

export function routeRule(method: string, pattern: string): RouteRule | 'public' | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${pattern}`;
  return Object.hasOwn(ROUTE_RULES, key) ? ROUTE_RULES[key] : undefined;
}

export const accessRule = (rule: RouteRule | 'public' | undefined): AccessRule => (rule === 'public' ? 'public' : rule?.permission);
