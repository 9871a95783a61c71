import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import { can, hasCertificate, type Permission, type Principal } from '../../../core/auth/index.js';
import type { Credentials } from '../../../ports/authenticator.js';
import { sendProblem } from '../problem.js';
import type { RouteRule } from './route-permissions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller; undefined: anonymous (auth off) or a public route */
    principal?: Principal;
    /** the audit rule of the matched route, cleared once the request's audit row is written */
    auditRule?: RouteRule;
    auditIds?: Record<string, unknown>;
    /** the route's audit row was committed with what it records (a notarization): no second row */
    audited?: boolean;
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

/** Route-level belt and braces for admin routes: refuses when the auth hook did not put a permitted principal on the request. */
export const requirePermission = (permission: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
  if (!request.principal || !can(request.principal, permission))
    return sendProblem(reply, request, 403, 'forbidden', `needs the permission ${permission}`);
};
