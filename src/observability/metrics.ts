/**
 * Prometheus metrics of the notary, on a registry of their own.
 *
 * Every call to `createMetrics()` builds a fresh `Registry`, so several app instances (tests,
 * cluster workers built in one process) never clash on prom-client's global registry.
 * Metric and label names are a contract with `monitoring/` (alerts, recording rules, the
 * prometheus-adapter config behind the HPA) and the dashboards: change them together.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type HttpLabel = 'method' | 'route' | 'code';
export type GrpcLabel = 'grpc_service' | 'grpc_method' | 'grpc_code';
export type Dependency = 'vault' | 'rekor' | 'db' | 'tsa';
export type DependencyOutcome = 'success' | 'error';
export type PulsarOutcome = 'consumed' | 'acked' | 'nacked' | 'dlq';

export interface MetricsOptions {
  /** Collect prom-client's default Node.js process metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Labels added to every series of this registry (e.g. `{ worker: '1' }`). */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

export interface NotaryMetrics {
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabel>;
  readonly httpRequestDurationSeconds: Histogram<HttpLabel>;
  readonly grpcServerHandledTotal: Counter<GrpcLabel>;
  readonly grpcServerHandlingSeconds: Histogram<GrpcLabel>;
  readonly signaturesTotal: Counter<'backend' | 'key_version'>;
  readonly signDurationSeconds: Histogram<'backend'>;
  readonly anchorQueueDepth: Gauge;
  readonly anchorOldestPendingSeconds: Gauge;
  readonly dependencyDurationSeconds: Histogram<'dependency' | 'operation' | 'outcome'>;
  readonly dependencyErrorsTotal: Counter<'dependency' | 'operation'>;
  readonly pulsarMessagesTotal: Counter<'outcome'>;
  readonly evidenceStoredTotal: Counter;
  readonly logIntegrityOk: Gauge;
}

/** Request-latency buckets (seconds); 1 s is a bucket edge because HighResponseTime alerts on it. */
export const HTTP_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Signing is ~20 µs embedded and a network round trip with Vault: finer low buckets. */
export const SIGN_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(options: MetricsOptions = {}): NotaryMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels({ ...options.defaultLabels });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const http: HttpLabel[] = ['method', 'route', 'code'];
  const grpc: GrpcLabel[] = ['grpc_service', 'grpc_method', 'grpc_code'];

  return {
    registry,
    httpRequestsTotal: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route pattern and status code.',
      labelNames: http,
      registers,
    }),
    httpRequestDurationSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds.',
      labelNames: http,
      buckets: [...HTTP_BUCKETS],
      registers,
    }),
    grpcServerHandledTotal: new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls completed on the server, by status code.',
      labelNames: grpc,
      registers,
    }),
    grpcServerHandlingSeconds: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC call handling time in seconds.',
      labelNames: grpc,
      buckets: [...HTTP_BUCKETS],
      registers,
    }),
    signaturesTotal: new Counter({
      name: 'notary_signatures_total',
      help: 'Signatures produced, by signer backend and key version.',
      labelNames: ['backend', 'key_version'],
      registers,
    }),
    signDurationSeconds: new Histogram({
      name: 'notary_sign_duration_seconds',
      help: 'Time to sign one digest, by signer backend.',
      labelNames: ['backend'],
      buckets: [...SIGN_BUCKETS],
      registers,
    }),
    anchorQueueDepth: new Gauge({
      name: 'notary_anchor_queue_depth',
      help: 'Evidence signed but not yet anchored in the transparency log.',
      registers,
    }),
    anchorOldestPendingSeconds: new Gauge({
      name: 'notary_anchor_oldest_pending_seconds',
      help: 'Age in seconds of the oldest evidence waiting for its anchor.',
      registers,
    }),
    dependencyDurationSeconds: new Histogram({
      name: 'notary_dependency_duration_seconds',
      help: 'Calls to Vault, Rekor, a remote TSA and the database, by operation and outcome.',
      labelNames: ['dependency', 'operation', 'outcome'],
      buckets: [...SIGN_BUCKETS],
      registers,
    }),
    dependencyErrorsTotal: new Counter({
      name: 'notary_dependency_errors_total',
      help: 'Failed calls to Vault, Rekor, a remote TSA and the database.',
      labelNames: ['dependency', 'operation'],
      registers,
    }),
    pulsarMessagesTotal: new Counter({
      name: 'notary_pulsar_messages_total',
      help: 'Pulsar messages by outcome (consumed, acked, nacked, dlq).',
      labelNames: ['outcome'],
      registers,
    }),
    evidenceStoredTotal: new Counter({
      name: 'notary_evidence_stored_total',
      help: 'Evidence records saved in the store.',
      registers,
    }),
    logIntegrityOk: new Gauge({
      name: 'notary_log_integrity_ok',
      help: '1 while the embedded transparency log passes its self-check (stored bodies, tree and latest signed checkpoint agree), 0 once it failed: nothing is signed then.',
      registers,
    }),
  };
}

/**
 * Times one call to a dependency: records `notary_dependency_duration_seconds` with the outcome
 * and, on a rejection, `notary_dependency_errors_total`; the call's result or error passes through.
 */
export async function observeDependency<T>(
  metrics: NotaryMetrics,
  dependency: Dependency,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  const end = metrics.dependencyDurationSeconds.startTimer({ dependency, operation });
  try {
    const result = await call();
    end({ outcome: 'success' });
    return result;
  } catch (error) {
    end({ outcome: 'error' });
    metrics.dependencyErrorsTotal.inc({ dependency, operation });
    throw error;
  }
}

/** Records one finished gRPC call (`grpc_code` is the status name, e.g. `OK`, `INVALID_ARGUMENT`). */
export function observeGrpcCall(metrics: NotaryMetrics, labels: Readonly<Record<GrpcLabel, string>>, seconds: number): void {
  metrics.grpcServerHandledTotal.inc(labels);
  metrics.grpcServerHandlingSeconds.observe(labels, seconds);
}

/** Records one signature and its duration. */
export function observeSignature(metrics: NotaryMetrics, backend: string, keyVersion: number | string, seconds: number): void {
  metrics.signaturesTotal.inc({ backend, key_version: String(keyVersion) });
  metrics.signDurationSeconds.observe({ backend }, seconds);
}
