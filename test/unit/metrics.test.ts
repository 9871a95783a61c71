import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { httpMetricsPlugin } from '../../src/observability/http-metrics-plugin.js';
import {
  createMetrics,
  observeDependency,
  observeGrpcCall,
  observeSignature,
  type NotaryMetrics,
} from '../../src/observability/metrics.js';

const RAW_ID = '7f3c2a9e-1b4d-4c5e-8f60-123456789abc';

async function buildApp(metrics: NotaryMetrics): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(httpMetricsPlugin, { metrics });
  app.get('/api/v1/evidence/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.post('/api/v1/notarize', async (_request, reply) => reply.code(201).send({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  await app.ready();
  return app;
}

/** Value of one sample line `name{labels} value` in the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const match = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const found = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[2]);
  }
  return undefined;
}

describe('createMetrics', () => {
  it('gives each instance its own registry with every notary metric', async () => {
    const a = createMetrics();
    const b = createMetrics();
    expect(a.registry).not.toBe(b.registry);
    a.evidenceStoredTotal.inc();
    expect(await b.registry.getSingleMetricAsString('notary_evidence_stored_total')).toMatch(/notary_evidence_stored_total 0$/m);
    const names = a.registry.getMetricsAsArray().map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'http_requests_total',
        'http_request_duration_seconds',
        'grpc_server_handled_total',
        'grpc_server_handling_seconds',
        'notary_signatures_total',
        'notary_sign_duration_seconds',
        'notary_anchor_queue_depth',
        'notary_anchor_oldest_pending_seconds',
        'notary_dependency_duration_seconds',
        'notary_dependency_errors_total',
        'notary_pulsar_messages_total',
        'notary_evidence_stored_total',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
  });

  it('can leave out the default Node metrics and add default labels', async () => {
    const m = createMetrics({ defaultMetrics: false, defaultLabels: { worker: '2' } });
    m.pulsarMessagesTotal.inc({ outcome: 'dlq' });
    const text = await m.registry.metrics();
    expect(text).not.toContain('process_cpu_seconds_total');
    expect(sample(text, 'notary_pulsar_messages_total', { outcome: 'dlq', worker: '2' })).toBe(1);
  });

  it('observeDependency records outcome and errors and passes results through', async () => {
    const m = createMetrics({ defaultMetrics: false });
    await expect(observeDependency(m, 'vault', 'sign', async () => 42)).resolves.toBe(42);
    const failure = new Error('sealed');
    await expect(
      observeDependency(m, 'vault', 'sign', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const text = await m.registry.metrics();
    const base = { dependency: 'vault', operation: 'sign' };
    expect(sample(text, 'notary_dependency_duration_seconds_count', { ...base, outcome: 'success' })).toBe(1);
    expect(sample(text, 'notary_dependency_duration_seconds_count', { ...base, outcome: 'error' })).toBe(1);
    expect(sample(text, 'notary_dependency_errors_total', base)).toBe(1);
  });

  it('observeGrpcCall and observeSignature use the documented labels', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const grpc = { grpc_service: 'afdp.notary.v1.NotaryService', grpc_method: 'SignEvidence', grpc_code: 'OK' };
    observeGrpcCall(m, grpc, 0.004);
    observeSignature(m, 'vault-transit', 3, 0.002);
    const text = await m.registry.metrics();
    expect(sample(text, 'grpc_server_handled_total', grpc)).toBe(1);
    expect(sample(text, 'grpc_server_handling_seconds_count', grpc)).toBe(1);
    expect(sample(text, 'notary_signatures_total', { backend: 'vault-transit', key_version: '3' })).toBe(1);
    expect(sample(text, 'notary_sign_duration_seconds_bucket', { backend: 'vault-transit', le: '0.0025' })).toBe(1);
  });
});

describe('httpMetricsPlugin', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('counts requests by method, route pattern and status code', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    app = await buildApp(metrics);
    await app.inject({ method: 'GET', url: `/api/v1/evidence/${RAW_ID}` });
    await app.inject({ method: 'GET', url: '/api/v1/evidence/another-id?x=1' });
    await app.inject({ method: 'POST', url: '/api/v1/notarize', payload: { a: 1 } });
    await app.inject({ method: 'GET', url: '/boom' });

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(metrics.registry.contentType);
    const text = res.body;
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/api/v1/evidence/:id', code: '200' })).toBe(2);
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/api/v1/notarize', code: '201' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/boom', code: '500' })).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/evidence/:id',
        code: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/api/v1/evidence/:id',
        code: '200',
        le: '+Inf',
      }),
    ).toBe(2);
  });

  it('records requests that match no route as route="unmatched"', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    app = await buildApp(metrics);
    const res = await app.inject({ method: 'GET', url: `/no/such/${RAW_ID}` });
    expect(res.statusCode).toBe(404);
    await app.inject({ method: 'DELETE', url: '/api/v1/evidence' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', code: '404' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'DELETE', route: 'unmatched', code: '404' })).toBe(1);
  });

  it('never puts a raw id or query string in a label, and skips its own scrapes', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    app = await buildApp(metrics);
    await app.inject({ method: 'GET', url: `/api/v1/evidence/${RAW_ID}` });
    await app.inject({ method: 'GET', url: `/nothing/${RAW_ID}?token=secret` });
    await app.inject({ method: 'GET', url: '/metrics' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).not.toContain(RAW_ID);
    expect(text).not.toContain('secret');
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes].sort()).toEqual(['/api/v1/evidence/:id', 'unmatched']);
  });

  it('can record without serving /metrics', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    app = Fastify({ logger: false });
    await app.register(httpMetricsPlugin, { metrics, path: false });
    app.get('/health', async () => ({ status: 'ok' }));
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    await app.inject({ method: 'GET', url: '/health' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'http_requests_total', { route: '/health', code: '200' })).toBe(1);
    expect(sample(text, 'http_requests_total', { route: 'unmatched', code: '404' })).toBe(1);
  });
});
