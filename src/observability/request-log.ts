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
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
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

const LOG_METHODS = new Set<string | symbol>(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => undefined;

/**
 * fastify's `childLoggerFactory`: each request's child logger is made when the request first logs,
 * not for every request. fastify hands pino options (`{}` at least), which sends pino down its slow
 * child path, and the bindings then go through the service logger's redaction stringifier: ~13 % of
 * a notarization's fastify time in a profile (see README Performance), while at the usual levels most
 * requests log nothing. Until then the stand-in answers `level` and `isLevelEnabled` from the parent,
 * as the child would (a child without a level of its own follows its parent's), and a call at a
 * disabled level is the no-op pino's would be. A call at an enabled level, or any other use, makes
 * the real child, made as fastify would have made it. A route's own `logLevel` gets it at once.
 */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined) return logger.child(bindings, options);
  const parent = logger as unknown as Logger;
  let child: FastifyBaseLogger | undefined;
  const real = () => (child ??= logger.child(bindings, options));
  const call = (method: string, args: unknown[]) => {
    const target = real() as unknown as Record<string, (...a: unknown[]) => void>;
    target[method]!.apply(target, args);
  };
  const isLevelEnabled = (level: string) => parent.isLevelEnabled(level);
  return new Proxy(logger, {
    get(_target, prop) {
      if (child === undefined) {
        if (prop === 'level') return parent.level;
        if (prop === 'isLevelEnabled') return isLevelEnabled;
        // fastify checks these are functions on every request: only a call makes the child
        if (LOG_METHODS.has(prop)) return parent.isLevelEnabled(prop as string) ? (...args: unknown[]) => call(prop as string, args) : noop;
        if (prop === 'child') return (b: Bindings, o?: ChildLoggerOptions) => real().child(b, o);
      }
      const target = real();
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(real(), prop, value);
    },
  });
}

/** A child that skips redaction: only for lines built from the fields above, none of them a credential. */
const withoutRedaction = (logger: Logger): Logger => logger.child({}, { redact: { paths: [] } });

/** `POST /api/v1/evidence/sign 201 12.5 ms by api_key:ci` — a request line as a person reads it. */
export function describeRequestLine(line: Partial<RequestLine>): string {
  const who = line.principal ? ` by ${line.principal}` : '';
  const what = line.door === 'grpc' ? `gRPC ${line.method}` : `${line.method} ${line.route ?? line.path}`;
  return `${what} ${line.status} ${line.duration_ms} ms${who}`;
}
