import type { FastifyInstance } from 'fastify';
import { parseIJson } from '../../core/ijson.js';
import { parseDepth, type InputLimits } from '../../core/limits.js';

/** A media type this server does not read: 415, with what to send instead. */
export class UnsupportedMediaType extends Error {
  readonly statusCode = 415;
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaType';
  }
}

const CHARSET_RE = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Every JSON body is read as raw bytes and parsed by the strict I-JSON parser (src/core/ijson.ts):
 * what the core signs is what those bytes say, or the request is refused with the JSON pointer of
 * the fault. JSON is UTF-8 (RFC 8259 §8.1): another declared charset is refused, never transcoded.
 */
export function registerJsonBody(app: FastifyInstance, limits: InputLimits, options: { deferValueFaults?: boolean } = {}): void {
  app.removeContentTypeParser('application/json');
  // fastify would otherwise accept text/plain bodies and fail them as schema errors
  if (app.hasContentTypeParser('text/plain')) app.removeContentTypeParser('text/plain');
  const parseOptions = { maxDepth: parseDepth(limits), deferValueFaults: options.deferValueFaults };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = CHARSET_RE.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new UnsupportedMediaType(`charset ${charset} is not read: send application/json in UTF-8`), undefined);
      return;
    }
    try {
      done(null, parseIJson(body as Buffer, parseOptions));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
