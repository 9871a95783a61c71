import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { PulsarMessage } from './types.js';

// Taken per message, not at import: an app's close disables the OpenTelemetry globals (so a later app
// in the process can register its provider), which replaces the global proxy provider, and a tracer
// taken before that stays bound to the old proxy and records nothing ever after. Spans are recorded
// only while a provider is registered (OTLP configured).
const tracer = () => trace.getTracer('afdp-notary-pulsar');

/**
 * Runs the handling of one message in a CONSUMER span that continues the producer's W3C trace
 * context (`traceparent` / `tracestate` message properties), so the core's spans become its
 * children. `work` returns the outcome to record on the span.
 */
export function inMessageSpan(message: PulsarMessage, topic: string, work: () => Promise<string>): Promise<string> {
  const properties = message.getProperties();
  const parent = propagation.extract(ROOT_CONTEXT, properties);
  const attributes = {
    'messaging.system': 'pulsar',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.message.id': message.getMessageId().toString(),
    'afdp.event_id': properties.event_id ?? '',
  };
  return tracer().startActiveSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      const outcome = await work();
      span.setAttribute('afdp.outcome', outcome);
      if (outcome !== 'ack') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      return outcome;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** `traceparent` (and `tracestate`) of the active span, for the properties of what we publish. */
export function traceProperties(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
