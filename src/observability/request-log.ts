/**
 * One log line per finished request, for both doors: what was asked (method and route pattern),
 * the answer (HTTP status or gRPC status name), how long it took, the request id and who asked
 * (the principal's id, never a credential). Nothing else: no headers, no query string, no body,
 * so neither secrets nor evidence content can reach the log through it.
 *
 * Cost: one object and one pino call per request, skipped entirely when the level is off; the
 * line goes through the request's own child logger, which fastify creates for every request
 * anyway (it carries request_id), so route-level `logLevel` settings (e.g. /metrics at warn)
 * silence their lines too.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import '../api/rest/auth/request.js';

export type RequestLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The fields of a request line; `request` is its message. */
export interface RequestLine {
  door: 'rest' | 'grpc';
  method: string;
  /** the route pattern (`/api/v1/workflows/:id/receipt`), or the gRPC method's full path */
  route: string | null;
  /** only for a REST request that matched no route: its path without the query string */
  path?: string;
  status: number | string;
  duration_ms: number;
  request_id?: string;
  principal: string | null;
}

export const REQUEST_MESSAGE = 'request';
const MAX_PATH = 200;
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * fastify's log controller with its two lines per request ("incoming request", "request
 * completed", plus one per 404) replaced by one line when the response is finished. fastify calls
 * `requestCompleted` after the onResponse hooks, for every request, with no hook of our own.
 */
export class RequestLogController extends LogController {
  constructor(private readonly level: RequestLogLevel) {
    super({ requestIdLogLabel: 'request_id', disableRequestLogging: level === 'silent' });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.level === 'silent') return;
    const log = request.log as unknown as Logger; // the app's logger is pino (src/logger.ts)
    if (!log.isLevelEnabled(this.level)) return;
    const route = request.routeOptions.url ?? null;
    const line: Omit<RequestLine, 'request_id'> = {
      door: 'rest', method: request.method, route, status: reply.statusCode,
      duration_ms: round(reply.elapsedTime), principal: request.principal?.id ?? null,
    };
    // no route matched (404): the path says what was asked for; the query string may hold anything
    if (route === null) line.path = request.url.split('?', 1)[0]!.slice(0, MAX_PATH);
    // a response stream that failed after the headers: fastify's own error line follows
    if (error) log.error({ ...line, err: error }, REQUEST_MESSAGE);
    else log[this.level](line, REQUEST_MESSAGE);
  }
}

/** A logger of gRPC calls: call it once per finished call. */
export function grpcRequestLog(logger: Logger, level: RequestLogLevel, service: string): (method: string, status: string, seconds: number, principal?: string) => void {
  if (level === 'silent') return () => undefined;
  return (method, status, seconds, principal) => {
    if (!logger.isLevelEnabled(level)) return;
    const line: RequestLine = { door: 'grpc', method, route: `/${service}/${method}`, status, duration_ms: round(seconds * 1000), principal: principal ?? null };
    logger[level](line, REQUEST_MESSAGE);
  };
}

/** `POST /api/v1/evidence/sign 201 12.5 ms by api_key:ci` — a request line as a person reads it. */
export function describeRequestLine(line: Partial<RequestLine>): string {
  const who = line.principal ? ` by ${line.principal}` : '';
  const what = line.door === 'grpc' ? `gRPC ${line.method}` : `${line.method} ${line.route ?? line.path}`;
  return `${what} ${line.status} ${line.duration_ms} ms${who}`;
}
