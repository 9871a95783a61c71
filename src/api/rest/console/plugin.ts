/**
 * Serves the audit console (console/, built by `npm ci` / `npm run build` into dist/console) at
 * /console: static files only, from this process. The pages call the API with the credential the
 * user types in, which stays in the browser; nothing here knows about it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../problem.js';

export const CONSOLE_PREFIX = '/console';

/** src/api/rest/console and dist/api/rest/console both sit four levels below the package root. */
export const DEFAULT_CONSOLE_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'dist', 'console');

/**
 * Only this origin's own files and API: no inline script or style, no CDN, no framing, no plugin
 * content, no form posts, and Trusted Types so no string can become script through the DOM.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export interface ConsoleOptions {
  /** the built console (index.html and assets/); default dist/console */
  dir?: string;
}

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  const dir = options.dir ?? DEFAULT_CONSOLE_DIR;
  await app.register(async (scope) => {
    // replaces the API's `default-src 'none'` (auth/secure-headers.ts) for these pages only
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('referrer-policy', 'no-referrer');
    });
    const hide = { schema: { hide: true } };
    scope.get(CONSOLE_PREFIX, hide, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
    if (!existsSync(join(dir, 'index.html'))) {
      // e.g. installed with --omit=dev before a build: say what is missing instead of a bare 404
      scope.get(`${CONSOLE_PREFIX}/*`, hide, async (request, reply) =>
        sendProblem(reply, request, 503, 'unavailable', 'the console is not built here: run `npm run build`'),
      );
      return;
    }
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: `${CONSOLE_PREFIX}/`,
      wildcard: true,
      index: 'index.html',
      schemaHide: true,
      decorateReply: false,
      dotfiles: 'deny',
      cacheControl: false,
      lastModified: false,
      setHeaders: (reply, path) => {
        // file names under assets/ carry a content hash; the page itself must be fetched afresh
        reply.header('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  });
}
