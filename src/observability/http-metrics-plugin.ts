/**
 * Fastify plugin: records `http_requests_total` and `http_request_duration_seconds` for every
 * request and serves the registry at `GET /metrics`.
 *
 * The `route` label is the route *pattern* (`/api/v1/evidence/:id`), never the raw URL, so the
 * number of series stays bounded; requests that match no route are labelled `unmatched`.
 * Wrapped with fastify-plugin so its hooks apply to the whole app, the 404 handler included.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { NotaryMetrics } from './metrics.js';

export interface HttpMetricsPluginOptions {
  readonly metrics: NotaryMetrics;
  /** Where the registry is served (default `/metrics`); `false` records without serving. */
  readonly path?: string | false;
  /** Also record scrapes of the metrics route itself (default false). */
  readonly recordMetricsRoute?: boolean;
}

export const UNMATCHED_ROUTE = 'unmatched';

/** The bounded `route` label of a request: its route pattern, or `unmatched`. */
export function routeLabel(request: FastifyRequest): string {
  if (request.is404) return UNMATCHED_ROUTE;
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

const httpMetrics: FastifyPluginAsync<HttpMetricsPluginOptions> = async (app, options) => {
  const { metrics } = options;
  const path = options.path ?? '/metrics';
  const skipRoute = options.recordMetricsRoute === true || path === false ? undefined : path;

  // a callback, not an async hook: no promise and no microtask per request (bench/hook-style-cost.ts)
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = routeLabel(request);
    if (route !== skipRoute) {
      const labels = { method: request.method, route, code: String(reply.statusCode) };
      metrics.httpRequestsTotal.inc(labels);
      metrics.httpRequestDurationSeconds.observe(labels, reply.elapsedTime / 1000);
    }
    done();
  });

  if (path === false) return;
  app.get(
    path,
    {
      logLevel: 'warn',
      schema: {
        tags: ['Health'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: { description: 'Every metric of this process', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
};

export const httpMetricsPlugin = fp(httpMetrics, { fastify: '5.x', name: 'notary-http-metrics' });
export default httpMetricsPlugin;
