import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { loadNotaryPackage, notaryServiceDefinition, PROTO_DIR } from './proto.js';
import { signEvidenceStream, type StreamRegistry } from './stream.js';
import { strictServiceDefinition } from './strict-wire.js';

export interface GrpcTlsOptions {
  certFile: string;
  keyFile: string;
  /** CA bundle that issues client certificates; required with requireClientCert */
  caFile?: string;
  requireClientCert?: boolean;
}

export interface GrpcServerOptions {
  notary: Notary;
  logger: Logger;
  port: number;
  host?: string;
  tls?: GrpcTlsOptions;
  /** largest message received or sent; default 4 MiB (gRPC's usual receive limit, made explicit) */
  maxMessageBytes?: number;
  /** reported by the AFDP HealthCheck RPC; default: package.json's version */
  version?: string;
  /** how often grpc.health.v1 re-checks notary.ready(); default 5 s */
  readinessIntervalMs?: number;
  /**
   * Runs before every NotaryService call (health and reflection stay open); throw AuthError to
   * refuse (UNAUTHENTICATED / PERMISSION_DENIED). E.g. with src/adapters/auth/grpc.ts:
   * `(method, md, call) => authorizeGrpcCall(authn, mode, method, md.getMap(), call.getAuthContext().sslPeerCertificate)`.
   */
  authorize?: Authorize;
  /** ready-made credentials (e.g. TLS 1.3 shared with REST); when given, `tls` is ignored */
  credentials?: grpc.ServerCredentials;
  /** approval and batch workflows behind SignEvidenceWithApproval / SignEvidenceBatch */
  workflows?: WorkflowService;
  /** per finished unary call: method, status name, seconds (metrics) */
  observe?: ObserveCall;
  /** the request budget, per unary call and per stream item (wire-grpc.ts) */
  admit?: Admit;
}

export interface GrpcServerHandle {
  port: number;
  server: grpc.Server;
  /** Stop intake, let calls finish within graceMs (default 10 s), then cut what remains. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export async function startGrpcServer(opts: GrpcServerOptions): Promise<GrpcServerHandle> {
  const { notary, logger } = opts;
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  const door: Door = {
    notary, logger, startedAt: Date.now(), version: opts.version ?? packageVersion(),
    authorize: opts.authorize, workflows: opts.workflows, observe: opts.observe, admit: opts.admit,
  };
  const streams: StreamRegistry = new Set();
  server.addService(strictServiceDefinition(notaryServiceDefinition()), { ...notaryHandlers(door), SignEvidenceStream: signEvidenceStream(door, streams) });
  const health = new ReadinessHealth(notary, logger, opts.readinessIntervalMs);
  health.service.addToServer(server);
  // reflection describes what is served: the notary and the health service (grpcurl list shows both)
  new ReflectionService({ ...loadNotaryPackage(), ...protoLoader.loadSync(healthProtoPath) }).addToServer(server);

  const host = opts.host ?? '0.0.0.0';
  const address = host.includes(':') ? `[${host}]:${opts.port}` : `${host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, opts.credentials ?? credentials(opts.tls), (err, p) => (err ? reject(err) : resolve(p))));
  await health.start();
  logger.info({ port, tls: opts.credentials ? 'configured' : opts.tls ? (opts.tls.requireClientCert ? 'mtls' : 'tls') : 'none', maxMessageBytes }, 'grpc server listening');

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) => (closing ??= shutdown(server, health, streams, graceMs));
  return { port, server, close };
}

/** Probes go NOT_SERVING first, then no new calls; streams finish what they read; stragglers are cut. */
async function shutdown(server: grpc.Server, health: ReadinessHealth, streams: StreamRegistry, graceMs: number): Promise<void> {
  health.stop();
  const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  for (const s of [...streams]) s.drain();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), graceMs); });
  if ((await Promise.race([drained, expired])) === 'expired') server.forceShutdown();
  clearTimeout(timer);
}

function credentials(tls: GrpcTlsOptions | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  if (tls.requireClientCert && !tls.caFile) throw new Error('gRPC TLS: requireClientCert needs caFile, the CA that issues client certificates');
  const ca = tls.caFile ? readFileSync(tls.caFile) : null;
  const pair = { cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) };
  return grpc.ServerCredentials.createSsl(ca, [pair], tls.requireClientCert ?? false);
}
