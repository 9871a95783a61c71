import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { AuthMode } from '../../../core/auth/index.js';
import type { ApiKeys } from '../../../ports/api-keys.js';
import type { AuditLog } from '../../../ports/audit.js';
import type { CredentialCheck } from '../../../ports/authenticator.js';
import type { AuthFailureGuard } from '../../../ports/request-limits.js';
import { registerAccessHooks } from './access-hooks.js';
import { apiKeyRoutes } from './api-key-routes.js';
import { auditRoutes } from './audit-routes.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit.js';
import { registerSecureHeaders } from './secure-headers.js';
import { whoamiRoute } from './whoami-route.js';

export { requirePermission } from './request.js';
export { ROUTE_RULES, routeRule } from './route-permissions.js';

export interface RestSecurityOptions {
  mode: AuthMode;
  authenticator: CredentialCheck;
  apiKeys: ApiKeys;
  audit: AuditLog;
  authFailures: AuthFailureGuard;
  rateLimit?: RateLimitOptions;
  /** CORS allow-list; empty: no CORS at all */
  corsOrigins: string[];
}

/**
 * Everything about who may call, in order: secure headers, CORS, authentication + RBAC + audit,
 * rate limiting, and the admin routes for API keys and the audit trail. Must run before any route
 * is declared (the rate limiter attaches itself to routes as they are added).
 */
export async function registerSecurity(app: FastifyInstance, options: RestSecurityOptions): Promise<void> {
  registerSecureHeaders(app);
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
      maxAge: 600,
    });
  }
  registerAccessHooks(app, options);
  if (options.rateLimit) await registerRateLimit(app, options.rateLimit);
  apiKeyRoutes(app, options.apiKeys);
  auditRoutes(app, options.audit);
  whoamiRoute(app, options.mode);
}
