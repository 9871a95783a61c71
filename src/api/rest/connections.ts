import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';
import type { HttpLimits } from '../../config/http.js';

export { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../config/http.js';

/** Fastify options for these limits (the rest is set on the server once it exists: applyHttpLimits). */
export function httpServerOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks request and header timeouts on this period (30 s by default): check often enough
    // that a timeout fires close to when it is due
    connectionsCheckingInterval: Math.max(250, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
    clientErrorHandler,
    frameworkErrors,
  };
}

export function applyHttpLimits(app: FastifyInstance, limits: HttpLimits): void {
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
}

/**
 * Errors Node's HTTP parser raises before fastify sees a request (header overflow, CL+TE, duplicate
 * Content-Length, bare LF, a request that timed out): answered as problem+json where the socket can
 * still take an answer, then closed, as Node's own handler does.
 */
function clientErrorHandler(err: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request line and headers exceed the size this server reads']
        : [400, 'invalid_request', `malformed HTTP request (${err.code ?? 'parse error'})`];
  const headerSent = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent ?? false;
  if (socket.writable && !headerSent) {
    const requestId = randomUUID();
    const body = JSON.stringify({
      type: `https://afdp.dev/problems/${code}`,
      title: STATUS_CODES[status],
      status,
      detail,
      code,
      request_id: requestId,
    });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

/** Fastify's own refusals before routing: a path parameter over maxParamLength (414), a bad URL encoding (400). */
function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    void sendProblem(reply, request, 414, 'uri_too_long', 'a path parameter is longer than this server reads');
  else void sendProblem(reply, request, err.statusCode && err.statusCode < 500 ? err.statusCode : 400, 'invalid_request', err.message);
}
