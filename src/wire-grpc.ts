import type { Metadata } from '@grpc/grpc-js';
import { authorizeGrpcCall, GRPC_METHOD_PERMISSIONS, grpcPeerCertificate, grpcServerCredentials } from './adapters/auth/index.js';
import { clientKey, grpcClientAddress } from './adapters/ratelimit/index.js';
import { NotaryError } from './core/errors.js';
import type { GrpcServerOptions } from './api/grpc/index.js';
import type { App } from './app.js';
import type { Config } from './config.js';
import { AuthError } from './core/auth/errors.js';
import type { Logger } from 'pino';
import { observeGrpcCall } from './observability/metrics.js';
import { grpcRequestLog } from './observability/request-log.js';

const SERVICE = 'afdp.notary.v1.NotaryService';
const isPublic = (path: string) => GRPC_METHOD_PERMISSIONS[path] === 'public' || !path.startsWith(`/${SERVICE}/`);

/** The same audit events as the REST routes that do the same thing. */
const AUDITED: Readonly<Record<string, string>> = {
  SignEvidence: 'evidence.created',
  SignEvidenceBatch: 'evidence.batch_created',
  SignEvidenceWithApproval: 'evidence.approval_requested',
  GetWorkflowStatus: 'evidence.read',
  GetNotarizationReceipt: 'evidence.read',
  ListWorkflows: 'evidence.read',
};

/** Calls whose audit row is committed with what they create (a notarization, a workflow). */
const COMMITTED = new Set(['SignEvidence', 'SignEvidenceBatch', 'SignEvidenceWithApproval']);

/**
 * gRPC door options that make it answer to the same rules as REST: TLS 1.3 credentials, the same
 * authentication and permissions, audit rows for refusals and for evidence created or read, metrics,
 * one log line per call.
 */
export function grpcDoorOptions(app: App, config: Config, logger: Logger): Omit<GrpcServerOptions, 'logger' | 'port'> {
  const { security, metrics } = app;
  const method = (path: string) => path.split('/').pop() ?? path;
  const logCall = grpcRequestLog(logger, config.requestLogLevel, SERVICE);
  const clientAddress = (peer: string, md: Metadata) => {
    const forwarded = md.get('x-forwarded-for')[0];
    return grpcClientAddress(peer, typeof forwarded === 'string' ? forwarded : undefined, security.trustProxy);
  };
  return {
    notary: app.notary,
    workflows: app.workflows,
    host: config.host,
    // the largest batch message; each package inside is still bounded like a REST body
    maxMessageBytes: config.limits.maxBodyBytes * 4,
    credentials: config.tls ? grpcServerCredentials(config.tls) : undefined,
    authorize: async (path: string, md: Metadata, call) => {
      const client = clientAddress(call.getPeer(), md);
      if (!isPublic(path)) {
        const wait = security.authFailures.blockedFor(client);
        if (wait > 0) {
          security.authFailures.noteThrottled(client, 'grpc');
          throw new NotaryError('rate_limited', 'too many failed authentications from this address; retry later', { retryAfterMs: wait });
        }
      }
      try {
        return await authorizeGrpcCall(security.authenticator, security.mode, path, md.getMap(), grpcPeerCertificate(call, config.tls));
      } catch (err) {
        if (err instanceof AuthError && err.code === 'unauthenticated') await security.authFailures.recordFailure(client, 'grpc', err.reason ?? 'unknown');
        else if (err instanceof AuthError) {
          security.audit.record({
            event: 'auth.denied', outcome: 'denied', principal: null,
            details: { door: 'grpc', method: method(path), reason: err.reason ?? null, permission: err.permission ?? null },
          });
        }
        throw err;
      }
    },
    // the budget REST spends (same counters, same keys): each unary call and each stream item
    admit: security.budget && (async (path, authorized, call) => {
      if (isPublic(path)) return;
      const id = (authorized as { id?: string } | undefined)?.id;
      const admission = await security.budget!.take(id ? `p:${id}` : `ip:${clientKey(clientAddress(call.getPeer(), call.metadata))}`);
      if (!admission.admitted) {
        throw new NotaryError('rate_limited', `rate limit of ${security.budget!.max} requests exceeded`, { retryAfterMs: admission.resetMs });
      }
    }),
    observe: (m, code, seconds, principal) => {
      observeGrpcCall(metrics, { grpc_service: SERVICE, grpc_method: m, grpc_code: code }, seconds);
      logCall(m, code, seconds, principal);
      const event = AUDITED[m];
      // a signature's row was committed with it (core/notary.ts); refusals by auth or limits have none per call
      const committed = COMMITTED.has(m) && code === 'OK';
      if (event && !committed && code !== 'UNAUTHENTICATED' && code !== 'PERMISSION_DENIED' && code !== 'RESOURCE_EXHAUSTED') {
        security.audit.record({ event, outcome: code === 'OK' ? 'success' : 'failure', principal: principal ?? null, details: { door: 'grpc', method: m, status: code } });
      }
    },
  };
}
