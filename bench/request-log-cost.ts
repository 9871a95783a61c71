/**
 * CPU cost of the request log per request: a fastify route answered through inject(), with the
 * service's logger (pino, JSON, synchronous writes to a file as to a collector's pipe) and its
 * RequestLogController at `info` versus `silent`. CPU time (process.cpuUsage), not wall time, so
 * other work on a shared machine moves the figure less; rounds alternate the settings. The third
 * setting is the service's: request lines at info, and each request's child logger made only when
 * the request logs (lazyRequestLogger) instead of fastify's eager pino child.
 *   npx tsx bench/request-log-cost.ts [--requests 20000] [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { createLogger } from '../src/observability/logger.js';
import { lazyRequestLogger, RequestLogController, type RequestLogLevel } from '../src/observability/request-log.js';
import { cpuPerCall, median } from './stats.js';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } },
});
const requests = Number(args.requests);
const dir = mkdtempSync(join(tmpdir(), 'notary-request-log-'));

/** CPU microseconds per request with the request log at `level`, and the request's child logger made lazily or not. */
async function cpuPerRequest(level: RequestLogLevel, lazy = false): Promise<number> {
  const destination = pino.destination({ dest: join(dir, `${level}.log`), sync: true });
  const logger = createLogger('info', destination);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLogController(level, logger),
    ...(lazy && { childLoggerFactory: lazyRequestLogger }),
  });
  app.post('/api/v1/evidence/sign', async (_request, reply) => reply.code(201).send({ ok: true }));
  await app.ready();
  const us = await cpuPerCall(
    () => app.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: { evidence_package: { n: 1 } } }),
    requests,
  );
  await app.close();
  destination.flushSync();
  return us;
}

const results: Record<'info' | 'silent' | 'lazy', number[]> = { info: [], silent: [], lazy: [] };
for (let round = 0; round < Number(args.rounds); round++) {
  for (const level of ['silent', 'info'] as const) results[level].push(await cpuPerRequest(level));
  results.lazy.push(await cpuPerRequest('info', true));
}
rmSync(dir, { recursive: true, force: true });
const [on, off, lazy] = [median(results.info), median(results.silent), median(results.lazy)];
console.table({
  'request log off (silent)': { 'CPU µs/request (median)': off.toFixed(2), runs: results.silent.map((x) => x.toFixed(1)).join(' ') },
  'request log on (info, JSON to a file)': {
    'CPU µs/request (median)': on.toFixed(2),
    runs: results.info.map((x) => x.toFixed(1)).join(' '),
  },
  'request log on, lazy child logger (the service)': {
    'CPU µs/request (median)': lazy.toFixed(2),
    runs: results.lazy.map((x) => x.toFixed(1)).join(' '),
  },
});
console.log(`one request line costs ${(on - off).toFixed(2)} µs of CPU (${requests} requests per run, ${args.rounds} rounds)`);
console.log(`making the request's child logger only when it logs saves ${(on - lazy).toFixed(2)} µs of CPU per request`);
