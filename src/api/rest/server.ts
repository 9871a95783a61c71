import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { EmbeddedLog } from '../../adapters/translog/embedded/index.js';
import type { Notary } from '../../core/notary.js';
import { registerErrorHandling } from './problem.js';
import { evidenceRoutes } from './routes/evidence.js';
import { keyRoutes } from './routes/keys.js';
import { systemRoutes } from './routes/system.js';
import { transparencyLogRoutes } from './routes/transparency-log.js';
import { workflowRoutes } from './routes/workflows.js';
import { registerTracing } from './tracing-hooks.js';

export interface RestServerOptions {
  notary: Notary;
  logger: PinoLogger;
  /** present when the embedded log is the transparency log: its read API is served too */
  embeddedLog?: EmbeddedLog;
  /** bearer token for the admin API (key rotation); the admin API is closed without it */
  adminToken?: string;
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
}

const REQUEST_ID_RE = /^[\w.:-]{1,128}$/;

export async function buildRestServer(options: RestServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.notary.limits.maxBodyBytes,
    // per-request info logs cost 5-15 % of throughput; failures are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    // Never rewrite what callers send: no stripping of unknown fields, no defaults inside packages.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While draining, each answered request also closes its keep-alive socket: otherwise sockets of
  // requests that finish after close() began stay open until the keep-alive timeout.
  let draining = false;
  app.addHook('preClose', async () => { draining = true; });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  // JSON only: fastify would otherwise accept text/plain bodies and fail them as schema errors
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app);
  registerTracing(app);
  for (const plugin of options.plugins ?? []) await plugin(app);
  evidenceRoutes(app, options.notary);
  workflowRoutes(app, options.notary);
  systemRoutes(app, options.notary);
  keyRoutes(app, options.notary, options.adminToken);
  if (options.embeddedLog) transparencyLogRoutes(app, options.embeddedLog);
  return app;
}
