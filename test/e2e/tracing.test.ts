import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { uniquePackage } from '../support/records.js';

describe('OpenTelemetry tracing over OTLP/HTTP', () => {
  it("continues the caller's trace with a span per pipeline step and puts trace ids in logs", async () => {
    const collector = await startOtlpReceiver();
    const app = await startTestApp({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'notary-under-test' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/evidence/sign',
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
      payload: { evidence_package: uniquePackage('traced') },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    // log lines written inside a span carry its ids (pino mixin), while the app's provider is registered
    const { Writable } = await import('node:stream');
    const { trace } = await import('@opentelemetry/api');
    const { createLogger } = await import('../../src/observability/logger.js');
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const ids = trace.getTracer('t').startActiveSpan('log-test', (span) => {
      logger.info('inside a span');
      span.end();
      return span.spanContext();
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });

    await app.close(); // flushes the batch span processor, and unregisters the provider
    await collector.close();

    const inTrace = collector.spans.filter((s) => s.traceId === traceId);
    const server = inTrace.find((s) => s.name === 'POST /api/v1/evidence/sign');
    expect(server?.parentSpanId).toBe(callerSpan);
    expect(server?.service).toBe('notary-under-test');
    expect(server?.attributes['http.response.status_code']).toBe(200);
    const children = inTrace.filter((s) => s.parentSpanId === server?.spanId).map((s) => s.name);
    // the embedded log shares the database: the anchor commits with the store, and is still traced as its own step
    expect(children).toEqual(expect.arrayContaining(['notary.canonicalize', 'notary.sign', 'notary.store', 'notary.anchor']));
  });
});

describe('tracing across app restarts in one process', () => {
  it('a second app after the first closed exports its own spans (the first unregistered its provider)', async () => {
    for (const name of ['first', 'second']) {
      const collector = await startOtlpReceiver();
      const app = await startTestApp({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: `notary-${name}` });
      const res = await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/sign',
        payload: { evidence_package: uniquePackage(name) },
      });
      expect(res.statusCode).toBe(200);
      await app.close();
      await collector.close();
      const server = collector.spans.find((s) => s.name === 'POST /api/v1/evidence/sign');
      expect(server?.service, name).toBe(`notary-${name}`);
    }
  });
});
