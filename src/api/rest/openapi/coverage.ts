import type { FastifyInstance, RouteOptions } from 'fastify';

/** `METHOD /pattern` of every route a request can reach, as registered. */
const registered = new WeakMap<FastifyInstance, Set<string>>();

/**
 * Records each route as it is added. Auto-added HEAD routes and routes marked `schema.hide` (Swagger
 * UI's own page and assets) are not API operations.
 */
export function trackRoutes(app: FastifyInstance): void {
  const routes = new Set<string>();
  registered.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${route.url}`);
  });
}

/**
 * A route missing from the document is a bug a client generator would not notice: say so at
 * start-up. Added after @fastify/swagger, whose own onReady hook must run first.
 */
export function warnUndocumentedRoutes(app: FastifyInstance): void {
  app.addHook('onReady', async () => {
    const missing = undocumentedRoutes(app);
    if (missing.length > 0) app.log.warn({ routes: missing }, 'routes missing from the OpenAPI document');
  });
}

/** Every registered route, as `METHOD /pattern`. */
export const registeredRoutes = (app: FastifyInstance): string[] => [...(registered.get(app) ?? [])];

/** fastify's `/a/:id` is OpenAPI's `/a/{id}`, and its wildcard `/a/*` is `/a/{*}` (as @fastify/swagger writes it). */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');

/** Registered routes the OpenAPI document does not describe. */
export function undocumentedRoutes(app: FastifyInstance): string[] {
  const paths = (app.swagger() as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return registeredRoutes(app).filter((r) => {
    const [method, url] = r.split(' ') as [string, string];
    return !paths[toOpenApiPath(url)]?.[method.toLowerCase()];
  });
}
