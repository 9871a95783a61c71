/**
 * One log line per finished request, for both doors: what was asked (method and route pattern),
 * the answer (HTTP status or gRPC status name), how long it took, the request id and who asked
 * (the principal's id, never a credential). Nothing else: no headers, no query string, no body,
 * so neither secrets nor evidence content can reach the log through it.
 *
 * Cost (bench/request-log-cost.ts): pino's redaction of the service logger's ~30 credential paths
 * would triple the price of a line (~24 µs instead of ~8 µs of CPU here), and a request line has
 * none of those fields by construction, so request lines go through a child logger without
 * redaction. Skipped entirely when the level is off; a route's `logLevel` (e.g. /metrics at warn)
 * silences its lines.
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
  private readonly out: Logger;

  constructor(
    private readonly level: RequestLogLevel,
    logger: Logger,
  ) {
    super({ requestIdLogLabel: 'request_id', disableRequestLogging: level === 'silent' });
    this.out = withoutRedaction(logger);
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.level === 'silent') return;
    // the request's child logger carries the route's logLevel (the app's logger is pino, src/observability/logger.ts)
    if (!(request.log as unknown as Logger).isLevelEnabled(this.level)) return;
    const route = request.routeOptions.url ?? null;
    const line: RequestLine = {
      request_id: String(request.id),
      door: 'rest',
      method: request.method,
      route,
      status: reply.statusCode,
      duration_ms: round(reply.elapsedTime),
      principal: request.principal?.id ?? null,
    };
    // no route matched (404): the path says what was asked for; the query string may hold anything
    if (route === null) line.path = request.url.split('?', 1)[0]!.slice(0, MAX_PATH);
    if (error) {
      // the response stream failed after the headers: the error goes through the redacting logger
      request.log.error({ ...line, err: error }, REQUEST_MESSAGE);
    } else {
      this.out[this.level](line, REQUEST_MESSAGE);
    }
  }
}

/** A logger of gRPC calls: call it once per finished call. */
export function grpcRequestLog(
  logger: Logger,
  level: RequestLogLevel,
  service: string,
): (method: string, status: string, seconds: number, principal?: string) => void {
  if (level === 'silent') return () => undefined;
  const out = withoutRedaction(logger);
  return (method, status, seconds, principal) => {
    if (!logger.isLevelEnabled(level)) return;
    const line: RequestLine = {
      door: 'grpc',
      method,
      route: `/${service}/${method}`,
      status,
      duration_ms: round(seconds * 1000),
      principal: principal ?? null,
    };
    out[level](line, REQUEST_MESSAGE);
  };
}

/** A child that skips redaction: only for lines built from the fields above, none of them a credential. */
const withoutRedaction = (logger: Logger): Logger => logger.child({}, { redact: { paths: [] } });

/** `POST /api/v1/evidence/sign 201 12.5 ms by api_key:ci` — a request line as a person reads it. */
export function describeRequestLine(line: Partial<RequestLine>): string {
  const who = line.principal ? ` by ${line.principal}` : '';
  const what = line.door === 'grpc' ? `gRPC ${line.method}` : `${line.method} ${line.route ?? line.path}`;
  return `${what} ${line.status} ${line.duration_ms} ms${who}`;
}
