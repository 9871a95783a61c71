import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** A JSON API serves no documents: nothing may be loaded, framed or sniffed. */
export const SECURE_HEADERS = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
} as const;

/** One call helmet's middleware made on the response: a header set, or one removed (X-Powered-By). */
export type HeaderOp = readonly [name: string, value: string] | readonly [name: string];

/**
 * What helmet's middleware does to a response, recorded once on a stand-in. With these options no
 * header depends on the request (no nonce, no directive function), so replaying the calls gives
 * every response the same headers in the same order as running helmet on it — without its chain of
 * twelve middlewares and the CSP value rebuilt per request, which the service's CPU profile showed.
 */
export function recordSecureHeaders(): HeaderOp[] {
  const ops: HeaderOp[] = [];
  const res = {
    setHeader: (name: string, value: string) => void ops.push([name, String(value)]),
    removeHeader: (name: string) => void ops.push([name]),
  };
  let done = false;
  helmet(SECURE_HEADERS)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  // a middleware that went asynchronous or touched anything else would not be replayable
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be recorded once');
  return ops;
}

/**
 * helmet's headers on every response, at the point @fastify/helmet set them (onRequest, so 404s and
 * errors carry them too). @fastify/helmet rebuilt the middleware per request; building it once still
 * ran its chain per request; now its calls are recorded at start and replayed.
 */
export function registerSecureHeaders(app: FastifyInstance): void {
  const ops = recordSecureHeaders();
  const apply = (res: ServerResponse) => {
    for (const op of ops) {
      if (op.length === 2) res.setHeader(op[0], op[1]);
      else res.removeHeader(op[0]);
    }
  };
  app.addHook('onRequest', (_request, reply, done) => {
    apply(reply.raw);
    done();
  });
}
