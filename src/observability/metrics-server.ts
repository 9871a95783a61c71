import Fastify, { type FastifyInstance } from 'fastify';
import type { NotaryMetrics } from './metrics.js';

/**
 * A second listener that serves only GET /metrics, for deployments that keep metrics off the
 * public port (NOTARY_METRICS_PORT); the main server then records but does not serve them.
 */
export function buildMetricsServer(metrics: NotaryMetrics): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  return app;
}
