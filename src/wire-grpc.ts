import type { Metadata } from '@grpc/grpc-js';
import { authorizeGrpcCall, grpcPeerCertificate, grpcServerCredentials } from './adapters/auth/index.js';
import type { GrpcServerOptions } from './api/grpc/index.js';
import type { App } from './app.js';
import type { Config } from './config.js';
import { AuthError } from './core/auth/errors.js';
import type { Logger } from 'pino';
import { observeGrpcCall } from './observability/metrics.js';
import { grpcRequestLog } from './observability/request-log.js';

const SERVICE = 'afdp.notary.v1.NotaryService';

/** The same audit events as the REST routes that do the same thing. */
const AUDITED: Readonly<Record<string, string>> = {
  SignEvidence: 'evidence.created',
  SignEvidenceBatch: 'evidence.batch_created',
  SignEvidenceWithApproval: 'evidence.approval_requested',
  GetWorkflowStatus: 'evidence.read',
  GetNotarizationReceipt: 'evidence.read',
  ListWorkflows: 'evidence.read',
};

/**
 * gRPC door options that make it answer to the same rules as REST: TLS 1.3 credentials, the same
 * authentication and permissions, audit rows for refusals and for evidence created or read, metrics,
 * one log line per call.
 */
export function grpcDoorOptions(app: App, config: Config, logger: Logger): Omit<GrpcServerOptions, 'logger' | 'port'> {
  const { security, metrics } = app;
  const method = (path: string) => path.split('/').pop() ?? path;
  const logCall = grpcRequestLog(logger, config.requestLogLevel, SERVICE);
  return {
    notary: app.notary,
    workflows: app.workflows,
    host: config.host,
    // the largest batch message; each package inside is still bounded like a REST body
    maxMessageBytes: config.limits.maxBodyBytes * 4,
    credentials: config.tls ? grpcServerCredentials(config.tls) : undefined,
    authorize: async (path: string, md: Metadata, call) => {
      try {
        return await authorizeGrpcCall(security.authenticator, security.mode, path, md.getMap(), grpcPeerCertificate(call, config.tls));
      } catch (err) {
        if (err instanceof AuthError) {
          const unauthenticated = err.code === 'unauthenticated';
          security.audit.record({
            event: unauthenticated ? 'auth.failure' : 'auth.denied', outcome: unauthenticated ? 'failure' : 'denied', principal: null,
            details: { door: 'grpc', method: method(path), reason: err.reason ?? null, permission: err.permission ?? null },
          });
        }
        throw err;
      }
    },
    observe: (m, code, seconds, principal) => {
      observeGrpcCall(metrics, { grpc_service: SERVICE, grpc_method: m, grpc_code: code }, seconds);
      logCall(m, code, seconds, principal);
      const event = AUDITED[m];
      if (event && code !== 'UNAUTHENTICATED' && code !== 'PERMISSION_DENIED') {
        security.audit.record({ event, outcome: code === 'OK' ? 'success' : 'failure', principal: principal ?? null, details: { door: 'grpc', method: m, status: code } });
      }
    },
  };
}
