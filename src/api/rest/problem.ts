import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { isNotaryError, type ErrorCode } from '../../core/errors.js';
import { drainBody } from './drain-body.js';
import { UnsupportedMediaType } from './json-body.js';

/** The one table from core error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  validation_failed: 422,
  payload_too_large: 413,
  not_found: 404,
  gone: 410,
  conflict: 409,
  idempotency_mismatch: 422,
  workflow_closed: 409,
  unavailable: 503,
  rate_limited: 429,
  deadline_exceeded: 504,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * RFC 9457 problem details plus AFDP's ErrorResponse members (`status`, `message`, `details`,
 * `request_id`), so clients written for either read the same body.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  instance: string;
  request_id: string;
  /** AFDP's name for `detail` */
  message: string;
  /** AFDP's structured details: the stable code and, for input errors, the field */
  details: { code: string; field?: string };
}

export const PROBLEM_JSON = 'application/problem+json';

/**
 * problem+json whenever the caller accepts it; plain `application/json` only when its Accept admits
 * that and not problem+json (AFDP's clients send `Accept: application/json` and read error bodies
 * only under that type). Wildcards (any type, any application type) admit problem+json.
 */
export function problemMediaType(request: FastifyRequest): string {
  const accept = request.headers.accept;
  if (!accept) return PROBLEM_JSON;
  const negotiator = new Negotiator({ headers: { accept } });
  return negotiator.mediaTypes([PROBLEM_JSON]).length === 0 && negotiator.mediaTypes(['application/json']).length > 0
    ? 'application/json'
    : PROBLEM_JSON;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, detail: string, field?: string) {
  // 5xx details may carry internals (driver messages, hosts): callers get the request id instead
  const text = status >= 500 && status !== 503 ? `internal error; quote request id ${request.id}` : detail;
  const problem: Problem = {
    type: `https://afdp.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: text,
    code,
    instance: request.url.split('?')[0]!,
    request_id: String(request.id),
    message: text,
    details: field ? { code, field } : { code },
  };
  if (field) problem.field = field;
  // keep a Retry-After someone already computed (the rate limiter knows when the window ends)
  if ((status === 503 || status === 429) && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply.code(status).type(problemMediaType(request)).send(problem);
}

/**
 * Maps fastify's own errors (body limit, media type, bad JSON, schema) and the core's typed errors.
 * A body over the limit is drained up to `maxDrainBytes` first, and the connection closed after.
 */
export function registerErrorHandling(app: FastifyInstance, maxDrainBytes: number): void {
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (isNotaryError(err)) {
      const status = HTTP_STATUS[err.code];
      if (status >= 500) request.log.error({ err, code: err.code }, 'request failed');
      return sendProblem(reply, request, status, err.code, err.message, err.field);
    }
    if (err instanceof UnsupportedMediaType) return sendProblem(reply, request, 415, 'unsupported_media_type', err.message);
    if (err.validation) {
      const first = err.validation[0];
      const field = `${err.validationContext ?? 'body'}${first?.instancePath?.replaceAll('/', '.') ?? ''}`;
      return sendProblem(reply, request, 400, 'invalid_request', `${field} ${first?.message ?? 'is invalid'}`, field);
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        await drainBody(request.raw, maxDrainBytes);
        reply.header('connection', 'close');
        return sendProblem(reply, request, 413, 'payload_too_large', err.message);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, 415, 'unsupported_media_type', 'send the body as application/json');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, request, 400, 'invalid_request', err.message);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(reply, request, err.statusCode, 'invalid_request', err.message);
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, request, 500, 'internal', err.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}
