/**
 * CPU cost of fastify hooks written as async functions against the same hooks taking fastify's
 * `done` callback: the REST door's per-request hooks that never wait (x-request-id, the drain's
 * connection header, metrics, the audit's id capture and row) are callbacks, so no promise and no
 * microtask per hook per request. Five hooks each way, answered through inject(); rounds alternate.
 *   npx tsx bench/hook-style-cost.ts [--requests 20000] [--rounds 7]
 */
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { cpuPerCall, median } from './stats.js';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } },
});
const requests = Number(args.requests);

function withHooks(style: 'async' | 'callback'): FastifyInstance {
  const app = Fastify();
  let draining = false;
  if (style === 'async') {
    app.addHook('onRequest', async (request, reply) => void reply.header('x-request-id', request.id));
    app.addHook('onSend', async (_request, reply) => void (draining && reply.header('connection', 'close')));
    app.addHook('preSerialization', async (_request, _reply, payload: unknown) => payload);
    app.addHook('onResponse', async (_request, reply) => void (draining = reply.statusCode < 0));
    app.addHook('onResponse', async (_request, reply) => void (draining = reply.statusCode < 0));
  } else {
    app.addHook('onRequest', (request, reply, done) => (reply.header('x-request-id', request.id), done()));
    app.addHook('onSend', (_request, reply, _payload, done) => (draining && reply.header('connection', 'close'), done()));
    app.addHook('preSerialization', (_request, _reply, payload: unknown, done) => done(null, payload));
    app.addHook('onResponse', (_request, reply, done) => ((draining = reply.statusCode < 0), done()));
    app.addHook('onResponse', (_request, reply, done) => ((draining = reply.statusCode < 0), done()));
  }
  app.post('/sign', async () => ({ ok: true }));
  return app;
}

async function cpuPerRequest(style: 'async' | 'callback'): Promise<number> {
  const app = withHooks(style);
  await app.ready();
  const us = await cpuPerCall(() => app.inject({ method: 'POST', url: '/sign', payload: { evidence_package: { n: 1 } } }), requests);
  await app.close();
  return us;
}

const results: Record<'async' | 'callback', number[]> = { async: [], callback: [] };
for (let round = 0; round < Number(args.rounds); round++) {
  for (const style of ['async', 'callback'] as const) results[style].push(await cpuPerRequest(style));
}
console.table(
  Object.fromEntries(
    (['async', 'callback'] as const).map((s) => [
      `5 ${s} hooks`,
      { 'CPU µs/request (median)': median(results[s]).toFixed(2), runs: results[s].map((x) => x.toFixed(1)).join(' ') },
    ]),
  ),
);
console.log(
  `callbacks save ${(median(results.async) - median(results.callback)).toFixed(2)} µs of CPU per request (${requests} requests a run)`,
);
