import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { modelDeploymentEvent } from '../../examples/publish-event.js';
import { resolvePulsarConfig, startPulsarConsumer, type EventLedger } from '../../src/adapters/events/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { Notary, NotarizeResult } from '../../src/core/notary.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import type { Receipt } from '../../src/core/receipt.js';
import { FakePulsarBroker } from '../support/fake-pulsar.js';

// this file only: a provider that keeps spans in memory, with the W3C propagator; the worker runs
// other files after this one (isolate: false), so the globals go with it
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
// as an app closed earlier in this process leaves them (its close disables the globals): the consumer
// module was imported before, and must still trace under the provider registered after
trace.disable();
propagation.disable();
context.disable();
provider.register();
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('Pulsar consumer tracing', () => {
  it("continues the producer's traceparent and passes the trace on in what it publishes", async () => {
    const broker = new FakePulsarBroker();
    const config = resolvePulsarConfig({ serviceUrl: 'pulsar://fake', receivePollMs: 10 });
    const rows = new Map();
    const ledger: EventLedger = { find: async (id) => rows.get(id) ?? null, record: async (e) => (rows.set(e.eventId, e), e) };
    const notary = {
      prepare: (raw: unknown, path?: string) => prepareEvidence(raw, DEFAULT_LIMITS, path),
      notarizePrepared: async (ev) =>
        ({
          workflow: { id: 'w-1' },
          receipt: { evidence_package_hash: ev.hashHex, anchoring: 'anchored' } as Receipt,
          replayed: false,
        }) as NotarizeResult,
    } satisfies Pick<Notary, 'prepare' | 'notarizePrepared'>;
    const handle = await startPulsarConsumer({
      config,
      notary,
      ledger,
      logger: pino({ level: 'silent' }),
      clientFactory: async () => broker.client(),
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    broker.publish(config.topics.events, Buffer.from(JSON.stringify(modelDeploymentEvent())), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    for (let i = 0; i < 500 && broker.messages(config.topics.status).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await handle.stop(1000);
    const span = exporter.getFinishedSpans().find((s) => s.name === `process ${config.topics.events}`);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes['afdp.outcome']).toBe('ack');
    const [result] = broker.messages(config.topics.results);
    expect(result!.properties.traceparent).toMatch(new RegExp(`^00-${traceId}-${span!.spanContext().spanId}-01$`));
  });
});
