import { context, propagation, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { noopTracer, type Tracer } from '../ports/tracer.js';

export interface TracingOptions {
  /** OTLP/HTTP base URL (Jaeger reads OTLP); spans go to `${endpoint}/v1/traces` */
  endpoint?: string;
  serviceName: string;
}

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Whether spans are made at all: only with an OTLP endpoint. Without one no provider or propagator
 * is registered, so per-request tracing work (REST hooks, the logger's trace-id lookup) is left out.
 */
export const tracingOn = (options: Pick<TracingOptions, 'endpoint'>): boolean => Boolean(options.endpoint);

/** OpenTelemetry tracing, off unless an OTLP endpoint is configured. */
export function startTracing(options: TracingOptions): Tracing {
  if (!tracingOn(options)) return { tracer: noopTracer, shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }))],
  });
  // registers the AsyncLocalStorage context manager and the W3C trace-context propagator
  provider.register();
  return {
    tracer: otelTracer(),
    // the globals go with the provider: a later one in this process (an app started again in the same
    // process) registers afresh, where the API would refuse it as a duplicate and keep the stopped one
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function otelTracer(): Tracer {
  const tracer = trace.getTracer('afdp-notary');
  const fail = (span: Span, err: unknown) => {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
  };
  return {
    span: (name, work) =>
      tracer.startActiveSpan(name, async (span) => {
        try {
          return await work();
        } catch (err) {
          fail(span, err);
          throw err;
        } finally {
          span.end();
        }
      }),
    spanSync: (name, work) =>
      tracer.startActiveSpan(name, (span) => {
        try {
          return work();
        } catch (err) {
          fail(span, err);
          throw err;
        } finally {
          span.end();
        }
      }),
  };
}

/** trace_id / span_id of the active span, for log lines (pino mixin). */
export function traceIds(): { trace_id?: string; span_id?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}
