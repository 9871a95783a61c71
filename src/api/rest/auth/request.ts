import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission, type Principal } from '../../../core/auth/index.js';
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

/** Route-level belt and braces for admin routes: refuses when the auth hook did not put a permitted principal on the request. */
export const requirePermission = (permission: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
  if (!request.principal || !can(request.principal, permission))
    return sendProblem(reply, request, 403, 'forbidden', `needs the permission ${permission}`);
};
