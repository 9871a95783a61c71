import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { AuditLog } from '../../../ports/audit.js';
import type { CredentialCheck, Credentials } from '../../../ports/authenticator.js';
import type { AuthFailureGuard } from '../../../ports/request-limits.js';
import { decideAccess, hasCertificate, isAuthError, type AuthError, type AuthMode, type Principal } from '../../../core/auth/index.js';
import { sendProblem } from '../problem.js';
import { accessRule, routeRule } from './route-permissions.js';

export interface AccessHookOptions {
  mode: AuthMode;
  authenticator: CredentialCheck;
  audit: AuditLog;
  /** failed authentications per client address: counted (one audit row per address and window), throttled past the limit */
  authFailures: AuthFailureGuard;
}

/** Response fields worth keeping in the audit trail; anything else (receipts, keys) stays out. */
const CAPTURED = [
  'workflow_id',
  'status',
  'evidence_package_hash',
  'batch_id',
  'version',
  'key_id',
  'id',
  'name',
  'roles',
  'decision',
] as const;

/**
 * Authentication and authorization for every route, in onRequest: before the body is read, so an
 * unauthenticated caller cannot make us parse a 1 MB package. Then one audit row per audited route.
 */
export function registerAccessHooks(app: FastifyInstance, options: AccessHookOptions): void {
  const { mode, authenticator, audit, authFailures } = options;
  app.decorateRequest('principal', undefined);
  app.decorateRequest('auditRule', undefined);
  app.decorateRequest('auditIds', undefined);
  app.decorateRequest('audited', false);

  // a route nobody put in the table is denied when auth is on: say so at start-up, not at the first 403
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (routeRule(method, route.url) === undefined) {
        app.log.warn(
          { route: `${method} ${route.url}` },
          'route missing from the permission table (src/api/rest/auth/route-permissions.ts): denied when auth is on',
        );
      }
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const pattern = request.routeOptions.url;
    if (pattern === undefined) return; // no route: the 404 handler answers
    const rule = routeRule(request.method, pattern);
    if (rule === 'public') return;
    // an address that failed too often waits, before any credential is looked at (no key lookups, no rows)
    const wait = authFailures.blockedFor(request.ip);
    if (wait > 0) {
      authFailures.noteThrottled(request.ip, 'rest');
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return sendProblem(reply, request, 429, 'rate_limited', 'too many failed authentications from this address; retry later');
    }
    let principal: Principal | undefined;
    try {
      principal = await authenticator.authenticate(credentialsOf(request));
      decideAccess(mode, accessRule(rule), principal);
    } catch (err) {
      if (!isAuthError(err)) throw err; // e.g. the issuer's JWKS is unreachable: 503 from the error handler
      return refuse(request, reply, err, principal);
    }
    request.principal = principal;
    request.auditRule = rule;
  });

  // the reply object before serialization: no second JSON.parse of what we just serialized.
  // This hook and the next never wait: callbacks, so no promise and no microtask per request.
  app.addHook('preSerialization', (request, reply, payload: unknown, done) => {
    if (request.auditRule?.captureIds && reply.statusCode < 400 && isRecord(payload)) request.auditIds = pickIds(payload);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const rule = request.auditRule;
    // a caller past its budget gets no row per refused request: that would be a way to grow the database
    if (rule?.audit && reply.statusCode !== 429 && !request.audited) {
      audit.record({
        event: rule.audit,
        outcome: reply.statusCode < 400 ? 'success' : 'failure',
        principal: request.principal?.id ?? null,
        details: { ...requestDetails(request), status: reply.statusCode, ...(request.auditIds ?? {}) },
      });
    }
    done();
  });

  async function refuse(request: FastifyRequest, reply: FastifyReply, err: AuthError, principal: Principal | undefined) {
    const status = err.code === 'unauthenticated' ? 401 : 403;
    if (status === 401) {
      // anonymous: no row per request (a flood of bogus keys must not grow the database); a row per address and window
      await authFailures.recordFailure(request.ip, 'rest', err.reason ?? 'unknown');
    } else {
      audit.record({
        event: 'auth.denied',
        outcome: 'denied',
        principal: principal?.id ?? null,
        details: { ...requestDetails(request), status, reason: err.reason ?? null, permission: err.permission ?? null },
      });
    }
    request.log.info(
      { reason: err.reason, permission: err.permission, principal: principal?.id },
      status === 401 ? 'authentication failed' : 'permission denied',
    );
    if (status === 401) {
      // RFC 6750: tell a client with a bad token why, without echoing it
      reply.header('www-authenticate', err.reason && err.reason !== 'missing' ? 'Bearer error="invalid_token"' : 'Bearer');
    }
    return sendProblem(reply, request, status, err.code, err.message);
  }
}

/** Credentials from headers and, over TLS, the verified client certificate. */
export function credentialsOf(request: FastifyRequest): Credentials {
  const h = request.headers;
  const socket = request.raw.socket as Partial<TLSSocket> | undefined;
  const cert = socket?.encrypted && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  return {
    authorization: h.authorization,
    apiKey: typeof h['x-api-key'] === 'string' ? h['x-api-key'] : undefined,
    peerCertificate: cert && hasCertificate(cert) ? { subject: cert.subject, authorized: socket!.authorized === true } : undefined,
  };
}

function requestDetails(request: FastifyRequest): Record<string, unknown> {
  const params = request.params as Record<string, unknown> | undefined;
  const query = request.query as Record<string, unknown> | undefined;
  return {
    method: request.method,
    route: request.routeOptions.url ?? null,
    request_id: String(request.id),
    ip: request.ip,
    ...(params && Object.keys(params).length ? { params } : {}),
    ...(query && Object.keys(query).length ? { query } : {}),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pickIds(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CAPTURED) if (body[k] !== undefined) out[k] = body[k];
  const receipt = body.receipt;
  if (isRecord(receipt) && receipt.evidence_package_hash !== undefined) out.evidence_package_hash = receipt.evidence_package_hash;
  return out;
}
