import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * One SERVER span per request, continuing the caller's W3C `traceparent`, active while the route
 * handler runs so the core's spans become its children; `traceparent` of the span is sent back.
 * With no tracer provider registered, the API hands out non-recording spans at almost no cost.
 */
export function registerTracing(app: FastifyInstance): void {
  const tracer = trace.getTracer('afdp-notary-rest');
  app.addHook('onRequest', async (request, reply) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'afdp.request_id': String(request.id) },
      },
      parent,
    );
    spans.set(request, span);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    if (carrier.traceparent) reply.header('traceparent', carrier.traceparent);
  });
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function traced(request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), span), () => handler.call(this, request, reply));
    };
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
