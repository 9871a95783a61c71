/**
 * The client's retry rules, exactly: which answers are retried, how long it waits (a server's
 * Retry-After wins over backoff), and that every attempt of one sign carries the same
 * Idempotency-Key. A loopback server plays the service's failure answers (problem+json 503/429 with
 * Retry-After, as src/api/rest/problem.ts writes them) so attempts and delays can be counted; the
 * real service's 429s are in client-e2e.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, createRestClient, NotaryError, parseRetryAfter, retryPolicy } from '../../packages/client/src/index.js';
import { freePort } from '../support/postgres-server.js';
import { fixture } from '../support/records.js';

type Answer = { status: number; headers?: Record<string, string>; body: unknown };
const problem = (status: number, code: string, field?: string): unknown => ({
  type: `https://afdp.dev/problems/${code}`,
  title: 'x',
  status,
  detail: `${code} here`,
  code,
  field,
  instance: '/api/v1/evidence/sign',
  request_id: 'r-1',
  message: 'x',
  details: { code },
});
const signed = { workflow_id: 'w-1', status: 'completed', warnings: [], receipt: { evidence_package_hash: 'ab', anchoring: 'anchored' } };

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Answers the scripted answers in order (the last one repeats); records each request's headers and time. */
async function scripted(answers: Answer[]) {
  const seen: { headers: IncomingMessage['headers']; at: number }[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answers[Math.min(seen.length, answers.length - 1)]!;
      seen.push({ headers: req.headers, at: Date.now() });
      res.writeHead(a.status, { 'content-type': a.status >= 400 ? 'application/problem+json' : 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('retry rules', () => {
  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter up to the cap; a server delay wins but is capped too', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, undefined, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(policy, 3, undefined, () => 0)).toBe(0);
    expect(backoffDelay(policy, 1, 700)).toBe(700);
    expect(backoffDelay(policy, 1, 60_000)).toBe(1000);
    expect(() => retryPolicy({ attempts: 0 })).toThrow(RangeError);
  });
});

describe('REST client retries', () => {
  it('retries 503 and 429 after the Retry-After they give, with the same Idempotency-Key on every attempt', async () => {
    const { url, seen } = await scripted([
      { status: 503, headers: { 'retry-after': '1' }, body: problem(503, 'unavailable') },
      { status: 429, headers: { 'retry-after': '1' }, body: problem(429, 'rate_limited') },
      { status: 200, body: signed },
    ]);
    const result = await createRestClient({ url, retry: { baseDelayMs: 1 } }).sign(fixture());
    expect(result.workflow_id).toBe('w-1');
    expect(seen).toHaveLength(3);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(result.idempotencyKey);
    // with baseDelayMs 1 only Retry-After explains a second between attempts
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a refusal: one request, a NotaryError with the service's code and field", async () => {
    const { url, seen } = await scripted([{ status: 422, body: problem(422, 'validation_failed', 'evidence_package.actor') }]);
    const err = await createRestClient({ url })
      .sign(fixture())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotaryError);
    expect(err).toMatchObject({
      kind: 'refused',
      code: 'validation_failed',
      details: { httpStatus: 422, field: 'evidence_package.actor' },
    });
    expect(seen).toHaveLength(1);
  });

  it('gives up after the configured attempts, saying the service stayed unavailable', async () => {
    const { url, seen } = await scripted([{ status: 503, body: problem(503, 'unavailable') }]);
    const err = await createRestClient({ url, retry: { attempts: 3, baseDelayMs: 5 } })
      .trustRoot()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'unavailable', details: { httpStatus: 503 } });
    expect(seen).toHaveLength(3);
  });

  it('retries a sign the service is still working on under the same key (409 conflict), not other 409s', async () => {
    const first = await scripted([
      { status: 409, body: problem(409, 'conflict') },
      { status: 200, body: signed },
    ]);
    expect((await createRestClient({ url: first.url, retry: { baseDelayMs: 5 } }).sign(fixture())).workflow_id).toBe('w-1');
    expect(first.seen).toHaveLength(2);
  });

  it('says the service cannot be reached when nothing listens, after retrying', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await createRestClient({ url, retry: { attempts: 2, baseDelayMs: 5 } })
      .sign(fixture())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unreachable', code: 'unreachable' });
  });
});
