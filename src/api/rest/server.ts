import { randomUUID } from 'node:crypto';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { REQUEST_ID_PATTERN } from '../../core/request-rules.js';
import type { LogReads } from '../../ports/log-reads.js';
import type { Notary } from '../../core/notary.js';
import type { WorkflowService } from '../../core/workflows/index.js';
import { packageVersion } from '../../version.js';
import { registerSecurity, type RestSecurityOptions } from './auth/index.js';
import { registerConsole } from './console/plugin.js';
import { applyHttpLimits, DEFAULT_HTTP_LIMITS, httpServerOptions, type HttpLimits } from './connections.js';
import { registerJsonBody } from './json-body.js';
import { registerOpenApi } from './openapi/document.js';
import { registerErrorHandling } from './problem.js';
import { approvalRoutes } from './routes/approvals.js';
import { batchRoutes } from './routes/batch.js';
import { evidenceRoutes } from './routes/evidence.js';
import { keyRoutes } from './routes/keys.js';
import { systemRoutes } from './routes/system.js';
import { transparencyLogRoutes } from './routes/transparency-log.js';
import { workflowRoutes } from './routes/workflows.js';
import { registerTracing } from './tracing-hooks.js';
import { lazyRequestLogger, RequestLogController, type RequestLogLevel } from '../../observability/request-log.js';
import { buildRouteSerializer } from './serializers.js';
import { buildRouteValidator } from './validators.js';

export interface RestServerOptions {
  notary: Notary;
  /** approval and batch workflows; also serves the workflow reads */
  workflows: WorkflowService;
  logger: PinoLogger;
  /** present when the embedded log is the transparency log: its read API is served too */
  embeddedLog?: LogReads;
  /** authentication, RBAC, audit, rate limits, secure headers, CORS */
  security: RestSecurityOptions;
  /** TLS (key, cert, ca, requestCert …): served over HTTPS with TLS 1.3 only */
  https?: HttpsOptions;
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
  /** level of the one line logged per request (default info; silent: none) */
  requestLogLevel?: RequestLogLevel;
  /** timeouts, connection cap, over-limit drain; default DEFAULT_HTTP_LIMITS */
  http?: HttpLimits;
  /** reported by /health and the OpenAPI document; default: package.json's version */
  version?: string;
  /** which peers' X-Forwarded-For names the client (request.ip); default: none, the socket's peer is the client */
  trustProxy?: boolean | string[];
  /** the built audit console served at /console; default dist/console */
  consoleDir?: string;
  /**
   * false: no OTLP endpoint, so no tracer provider or propagator is registered and a request's span
   * and traceparent would always be nothing: the tracing hooks are left out at start instead of
   * running per request. Default true.
   */
  tracing?: boolean;
}

export async function buildRestServer(options: RestServerOptions): Promise<FastifyInstance> {
  // the https option switches fastify to node's https server; its types then differ only in the raw server class
  const http = options.http ?? DEFAULT_HTTP_LIMITS;
  const { connectionsCheckingInterval, ...serverOptions } = httpServerOptions(http);
  const tls = (
    options.https
      ? { https: { ...options.https, minVersion: 'TLSv1.3', connectionsCheckingInterval } }
      : { http: { connectionsCheckingInterval } }
  ) as object;
  const app = Fastify({
    ...tls,
    ...serverOptions,
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.notary.limits.maxBodyBytes,
    // one line per request: method, route, status, duration, request_id, principal
    logController: new RequestLogController(options.requestLogLevel ?? 'info', options.logger),
    childLoggerFactory: lazyRequestLogger,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    // bodies are never rewritten (no coercion, no defaults); evidence packages are checked by the core (validators.ts)
    schemaController: { compilersFactory: { buildValidator: buildRouteValidator(), buildSerializer: buildRouteSerializer() } },
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
  });
  applyHttpLimits(app, http);
  // Never rewrite what callers send: strict I-JSON bodies, no coercion, no defaults inside bodies
  registerJsonBody(app, options.notary.limits);
  // hooks that never wait take fastify's done callback: no promise and no microtask per request
  // (bench/hook-style-cost.ts)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // While draining, each answered request also closes its keep-alive socket: otherwise sockets of
  // requests that finish after close() began stay open until the keep-alive timeout.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', (_request, reply, _payload, done) => {
    if (draining) reply.header('connection', 'close');
    done();
  });
  registerErrorHandling(app, http.maxDrainBytes);
  if (options.tracing !== false) registerTracing(app);
  const version = options.version ?? packageVersion();
  // before any route: @fastify/swagger collects routes as they are added
  await registerOpenApi(app, { version, limits: options.notary.limits });
  await registerSecurity(app, options.security);
  for (const plugin of options.plugins ?? []) await plugin(app);
  evidenceRoutes(app, options.notary);
  workflowRoutes(app, options.workflows);
  approvalRoutes(app, options.workflows);
  // a batch item holding a value I-JSON cannot carry fails alone (the core refuses it), as any bad item does
  await app.register(async (scope) => {
    registerJsonBody(scope, options.notary.limits, { deferValueFaults: true });
    batchRoutes(scope, options.workflows);
  });
  systemRoutes(app, options.notary, version);
  keyRoutes(app, options.notary);
  if (options.embeddedLog) transparencyLogRoutes(app, options.embeddedLog);
  await registerConsole(app, { dir: options.consoleDir });
  return app;
}
