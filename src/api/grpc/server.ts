import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Notary } from '../../core/notary.js';
import { packageVersion } from '../../version.js';
import type { WorkflowService } from '../../core/workflows/service.js';
import type { Admit, Authorize, Door, ObserveCall } from './call.js';
import { notaryHandlers } from './handlers.js';
import { ReadinessHealth } from './health.js';
import { loadNotaryPackage, notaryServiceDefinition } from './proto.js';
import { signEvidenceStream, type StreamRegistry } from './stream.js';
import { strictServiceDefinition } from './strict-wire.js';

export interface GrpcServerOptions {
  notary: Notary;
  logger: Logger;
  /** largest message received or sent; default 4 MiB (gRPC's usual receive limit, made explicit) */
  maxMessageBytes?: number;
  /** reported by the AFDP HealthCheck RPC; default: package.json's version */
  version?: string;
  /** how often grpc.health.v1 re-checks notary.ready(); default 5 s */
  readinessIntervalMs?: number;
  /**
   * Runs before every NotaryService call (health and reflection stay open); throw AuthError to
   * refuse (UNAUTHENTICATED / PERMISSION_DENIED). Production's: door.ts, by METHOD_RULES.
   */
  authorize?: Authorize;
  /** TLS 1.3 shared with REST (tls.ts); absent: plaintext */
  credentials?: grpc.ServerCredentials;
  /** approval and batch workflows behind SignEvidenceWithApproval / SignEvidenceBatch */
  workflows?: WorkflowService;
  /** per finished unary call: method, status name, seconds (metrics) */
  observe?: ObserveCall;
  /** the request budget, per unary call and per stream item (door.ts) */
  admit?: Admit;
}

export interface GrpcServerHandle {
  server: grpc.Server;
  /** Binds and starts serving; answers the bound port (port 0: a free one). Once. */
  listen(options: { host?: string; port: number }): Promise<number>;
  /** the bound port; undefined before listen */
  readonly port: number | undefined;
  /** Stop intake, let calls finish within graceMs (default 10 s), then cut what remains. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The door with every service added, not yet bound: buildApp owns it as it owns the REST server. */
export function buildGrpcServer(opts: GrpcServerOptions): GrpcServerHandle {
  const { notary, logger } = opts;
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  const door: Door = {
    notary,
    logger,
    startedAt: Date.now(),
    version: opts.version ?? packageVersion(),
    authorize: opts.authorize,
    workflows: opts.workflows,
    observe: opts.observe,
    admit: opts.admit,
  };
  const streams: StreamRegistry = new Set();
  server.addService(strictServiceDefinition(notaryServiceDefinition()), {
    ...notaryHandlers(door),
    SignEvidenceStream: signEvidenceStream(door, streams),
  });
  const health = new ReadinessHealth(notary, logger, opts.readinessIntervalMs);
  health.service.addToServer(server);
  // reflection describes what is served: the notary and the health service (grpcurl list shows both)
  new ReflectionService({ ...loadNotaryPackage(), ...protoLoader.loadSync(healthProtoPath) }).addToServer(server);

  let port: number | undefined;
  let listening = false;
  let closing: Promise<void> | undefined;
  return {
    server,
    get port() {
      return port;
    },
    async listen({ host = '0.0.0.0', port: wanted }) {
      if (listening || closing) throw new Error('the gRPC server listens once');
      listening = true;
      const address = host.includes(':') ? `[${host}]:${wanted}` : `${host}:${wanted}`;
      const credentials = opts.credentials ?? grpc.ServerCredentials.createInsecure();
      port = await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))),
      );
      await health.start();
      logger.info({ port, tls: opts.credentials ? 'configured' : 'none', maxMessageBytes }, 'grpc server listening');
      return port;
    },
    close: (graceMs = 10_000) =>
      (closing ??= listening ? shutdown(server, health, streams, graceMs) : Promise.resolve(server.forceShutdown())),
  };
}

/** Build and listen at once: for embedders and tests of the bare door (no auth, no audit). */
export async function startGrpcServer(
  opts: GrpcServerOptions & { host?: string; port: number },
): Promise<GrpcServerHandle & { port: number }> {
  const handle = buildGrpcServer(opts);
  await handle.listen(opts);
  return handle as GrpcServerHandle & { port: number };
}

/** Probes go NOT_SERVING first, then no new calls; streams finish what they read; stragglers are cut. */
async function shutdown(server: grpc.Server, health: ReadinessHealth, streams: StreamRegistry, graceMs: number): Promise<void> {
  health.stop();
  const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  for (const s of [...streams]) s.drain();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), graceMs);
  });
  if ((await Promise.race([drained, expired])) === 'expired') server.forceShutdown();
  clearTimeout(timer);
}
