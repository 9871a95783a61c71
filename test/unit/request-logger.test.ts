/**
 * The REST door's per-request logger (lazyRequestLogger): made only when a request logs, and then
 * writing exactly what fastify's eager pino child would have written.
 */
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { lazyRequestLogger } from '../../src/observability/request-log.js';

/** The service logger writing to `lines`, and the children pino made of it. */
function serviceLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const { time: _time, ...line } = JSON.parse(chunk.toString()) as Record<string, unknown>;
      lines.push(line);
      done();
    },
  });
  const logger = createLogger(level, out, 'json', ['*.ssn'], false);
  const children: unknown[] = [];
  const child = logger.child.bind(logger);
  logger.child = ((bindings, options) => (children.push(bindings), child(bindings, options))) as Logger['child'];
  return { logger: logger as unknown as FastifyBaseLogger, lines, children };
}

// made once: both loggers log the same errors, stacks included
const hangUp = new Error('socket hang up');
const boom = new Error('boom');

/** What routes, hooks and fastify's error paths do with request.log. */
function use(log: FastifyBaseLogger) {
  log.debug('not written at info');
  log.info({ key_id: 'k', version: 2, nested: { ssn: '123', password: 'pw' } }, 'signing key rotated');
  log.warn({ err: hangUp }, 'not ready');
  log.error(boom, 'request failed');
  log.child({ scope: 'inner' }).warn('from a grandchild');
}

describe('lazyRequestLogger', () => {
  it('writes what the eager child writes, bindings and redaction included', () => {
    const eager = serviceLogger('info');
    const lazy = serviceLogger('info');
    use(eager.logger.child({ request_id: 'req-1' }, {}));
    use(lazyRequestLogger(lazy.logger, { request_id: 'req-1' }, {}));
    expect(lazy.lines).toHaveLength(4);
    expect(lazy.lines).toEqual(eager.lines);
    expect(lazy.lines.slice(0, 3).map((l) => l.request_id)).toEqual(['req-1', 'req-1', 'req-1']);
    expect(JSON.stringify(lazy.lines)).not.toMatch(/"123"|"pw"/);
  });

  it('makes no pino child for a request that logs nothing at the enabled levels', () => {
    const { logger, lines, children } = serviceLogger('warn');
    const log = lazyRequestLogger(logger, { request_id: 'req-2' }, {}) as unknown as Logger;
    // what fastify and the request log controller ask of every request's logger
    for (const m of ['info', 'error', 'debug', 'fatal', 'warn', 'trace', 'child'] as const) expect(log[m]).toBeTypeOf('function');
    expect([log.level, log.isLevelEnabled('info'), log.isLevelEnabled('warn')]).toEqual(['warn', false, true]);
    log.info('below the level');
    log.debug('below the level');
    expect(children).toEqual([]);
    log.warn('now it logs');
    log.error('and again');
    expect(children).toEqual([{ request_id: 'req-2' }]);
    expect(lines.map((l) => [l.msg, l.request_id])).toEqual([
      ['now it logs', 'req-2'],
      ['and again', 'req-2'],
    ]);
  });

  it("follows the service logger's level until it is made, as a pino child does", () => {
    const { logger } = serviceLogger('warn');
    const log = lazyRequestLogger(logger, { request_id: 'req-3' }, {}) as unknown as Logger;
    (logger as unknown as Logger).level = 'debug';
    expect([log.level, log.isLevelEnabled('debug')]).toEqual(['debug', true]);
  });

  it("gives a route's own logLevel the real child at once", () => {
    const { logger, lines, children } = serviceLogger('info');
    const log = lazyRequestLogger(logger, { request_id: 'req-4' }, { level: 'warn' }) as unknown as Logger;
    expect(children).toHaveLength(1);
    log.info('silenced by the route');
    log.warn('written');
    expect([log.level, lines.map((l) => l.msg)]).toEqual(['warn', ['written']]);
  });
});
