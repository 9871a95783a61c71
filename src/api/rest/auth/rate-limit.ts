import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { clientKey } from '../../../core/request-rules.js';
import { NotaryError } from '../../../core/errors.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  /** the counters every door spends (RequestBudget.restStore): Redis shared by all replicas, or in-process */
  store: new () => unknown;
}

/** Probes must never be throttled: a 429 on /ready would take a healthy replica out of the load balancer. */
const UNLIMITED = new Set(['/health', '/ready', '/metrics']);

/**
 * One budget per principal across all routes and doors (per client address when anonymous). Runs after the access
 * hook (route-level onRequest hooks follow the instance's), so the principal is known. When Redis
 * fails the request passes (skipOnError): throttling protects capacity, it is not access control,
 * and notarization must not stop because the limiter's store did.
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: options.windowMs,
    hook: 'onRequest',
    store: options.store as never,
    skipOnError: true,
    keyGenerator: (request) => (request.principal ? `p:${request.principal.id}` : `ip:${clientKey(request.ip)}`),
    allowList: (request) => UNLIMITED.has(request.routeOptions.url ?? ''),
    // thrown into the error handler: problem+json 429; the plugin has already set Retry-After
    errorResponseBuilder: (_request, ctx) =>
      new NotaryError('rate_limited', `rate limit of ${ctx.max} requests exceeded; retry in ${ctx.after}`),
  });
}
