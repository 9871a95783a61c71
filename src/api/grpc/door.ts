import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { TlsConfig } from '../../config.js';
import { AuthError } from '../../core/auth/errors.js';
import type { AuthMode } from '../../core/auth/index.js';
import { clientKey } from '../../core/request-rules.js';
import { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import type { WorkflowService } from '../../core/workflows/service.js';
import { observeGrpcCall, type NotaryMetrics } from '../../observability/metrics.js';
import { grpcRequestLog, type RequestLogLevel } from '../../observability/request-log.js';
import type { AuditLog } from '../../ports/audit.js';
import type { CredentialCheck } from '../../ports/authenticator.js';
import type { AuthFailureGuard, RequestBudgetPort, TrustProxy } from '../../ports/request-limits.js';
import { authorizeGrpcCall } from './access.js';
import { grpcClientAddress } from './client-address.js';
import { isPublicMethod, methodRule } from './method-rules.js';
import { NOTARY_SERVICE } from './proto.js';
import type { GrpcServerOptions } from './server.js';
import { grpcPeerCertificate, grpcServerCredentials } from './tls.js';

/** Who may call and what is counted: the same objects the REST door uses. */
export interface GrpcDoorSecurity {
  mode: AuthMode;
  authenticator: CredentialCheck;
  audit: AuditLog;
  authFailures: AuthFailureGuard;
  /** undefined: no request budget */
  budget?: RequestBudgetPort;
  trustProxy: TrustProxy;
}

export interface GrpcDoorDeps {
  notary: Notary;
  workflows?: WorkflowService;
  security: GrpcDoorSecurity;
  metrics: NotaryMetrics;
  logger: Logger;
  /** TLS 1.3 from the same files as REST; undefined: plaintext */
  tls?: TlsConfig;
  requestLogLevel: RequestLogLevel;
}

/** refusals by auth or limits have no audit row per call (auth.denied and the failure rollup cover them) */
const REFUSED = new Set(['UNAUTHENTICATED', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED']);

/**
 * The gRPC door as production runs it: TLS 1.3 credentials, the same authentication, permissions
 * and request budget as REST, audit rows by METHOD_RULES, metrics and one log line per call.
 */
export function grpcDoorOptions(deps: GrpcDoorDeps): Omit<GrpcServerOptions, 'logger'> {
  const { security, metrics, tls } = deps;
  const method = (path: string) => path.split('/').pop() ?? path;
  const logCall = grpcRequestLog(deps.logger, deps.requestLogLevel, NOTARY_SERVICE);
  const clientAddress = (peer: string, md: Metadata) => {
    const forwarded = md.get('x-forwarded-for')[0];
    return grpcClientAddress(peer, typeof forwarded === 'string' ? forwarded : undefined, security.trustProxy);
  };
  return {
    notary: deps.notary,
    workflows: deps.workflows,
    // the largest batch message; each package inside is still bounded like a REST body
    maxMessageBytes: deps.notary.limits.maxBodyBytes * 4,
    credentials: grpcServerCredentials(tls),
    authorize: async (path: string, md: Metadata, call) => {
      const client = clientAddress(call.getPeer(), md);
      if (!isPublicMethod(path)) {
        const wait = security.authFailures.blockedFor(client);
        if (wait > 0) {
          security.authFailures.noteThrottled(client, 'grpc');
          throw new NotaryError('rate_limited', 'too many failed authentications from this address; retry later', { retryAfterMs: wait });
        }
      }
      try {
        return await authorizeGrpcCall(security.authenticator, security.mode, path, md.getMap(), grpcPeerCertificate(call, tls));
      } catch (err) {
        if (err instanceof AuthError && err.code === 'unauthenticated')
          await security.authFailures.recordFailure(client, 'grpc', err.reason ?? 'unknown');
        else if (err instanceof AuthError) {
          security.audit.record({
            event: 'auth.denied',
            outcome: 'denied',
            principal: null,
            details: { door: 'grpc', method: method(path), reason: err.reason ?? null, permission: err.permission ?? null },
          });
        }
        throw err;
      }
    },
    // the budget REST spends (same counters, same keys): each unary call and each stream item
    admit:
      security.budget &&
      (async (path, authorized, call) => {
        if (isPublicMethod(path)) return;
        const id = (authorized as { id?: string } | undefined)?.id;
        const admission = await security.budget!.take(id ? `p:${id}` : `ip:${clientKey(clientAddress(call.getPeer(), call.metadata))}`);
        if (!admission.admitted) {
          throw new NotaryError('rate_limited', `rate limit of ${security.budget!.max} requests exceeded`, {
            retryAfterMs: admission.resetMs,
          });
        }
      }),
    observe: (m, code, seconds, principal) => {
      observeGrpcCall(metrics, { grpc_service: NOTARY_SERVICE, grpc_method: m, grpc_code: code }, seconds);
      logCall(m, code, seconds, principal);
      const rule = methodRule(`/${NOTARY_SERVICE}/${m}`);
      if (rule === 'public' || !rule?.audit || REFUSED.has(code) || (rule.committed && code === 'OK')) return;
      security.audit.record({
        event: rule.audit,
        outcome: code === 'OK' ? 'success' : 'failure',
        principal: principal ?? null,
        details: { door: 'grpc', method: m, status: code },
      });
    },
  };
}
