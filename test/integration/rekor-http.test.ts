// The raw HTTP tier with a scripted fetch: timeouts, Retry-After, typed errors.
import { describe, expect, it } from 'vitest';
import { HttpClient, HttpError, parseRetryAfter } from '../../src/adapters/http/http-client.js';
import { toLogEntry } from '../../src/adapters/translog/rekor/rekor-log.js';

type Step = () => Response | Promise<Response>;
function scripted(steps: Step[]): { fetch: typeof fetch; calls: number } {
  const s = { calls: 0, fetch: (async () => steps[Math.min(s.calls++, steps.length - 1)]()) as unknown as typeof fetch };
  return s;
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('HttpClient', () => {
  it('parses the Rekor error body into a typed HttpError', async () => {
    const f = scripted([() => json(400, { code: 400, message: 'bad entry' })]);
    const err = await new HttpClient({ baseUrl: 'http://x', fetch: f.fetch }).request('GET', '/a').catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(400);
    expect(err.body).toEqual({ code: 400, message: 'bad entry' });
    expect(err.retryable).toBe(false);
    expect(f.calls).toBe(1);
  });

  it('retries network errors and 408, then returns the success', async () => {
    const f = scripted([
      () => Promise.reject(new TypeError('fetch failed')),
      () => json(408, { code: 408, message: 'timeout' }),
      () => json(200, { ok: true }),
    ]);
    const res = await new HttpClient({ baseUrl: 'http://x', fetch: f.fetch, retryBaseDelayMs: 1 }).request('GET', '/a');
    expect(res.body).toEqual({ ok: true });
    expect(f.calls).toBe(3);
  });

  it('waits at least Retry-After, and gives up at once when it is too long', async () => {
    const f = scripted([() => json(429, { code: 429, message: 'slow down' }, { 'retry-after': '1' }), () => json(200, {})]);
    const t0 = Date.now();
    await new HttpClient({ baseUrl: 'http://x', fetch: f.fetch, retryBaseDelayMs: 1 }).request('GET', '/a');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const g = scripted([() => json(503, { code: 503, message: 'busy' }, { 'retry-after': '3600' })]);
    const err = await new HttpClient({ baseUrl: 'http://x', fetch: g.fetch }).request('GET', '/a').catch((e) => e);
    expect(err.status).toBe(503);
    expect(g.calls).toBe(1);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT'))).toBe(2000);
  });

  it('times out each attempt', async () => {
    const hang: typeof fetch = (_u, init) =>
      new Promise((_r, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    const err = await new HttpClient({ baseUrl: 'http://x', fetch: hang, timeoutMs: 20, retries: 1, retryBaseDelayMs: 1 })
      .request('GET', '/a')
      .catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(0);
    expect(err.retryable).toBe(true);
  });
});

describe('toLogEntry', () => {
  it('names the missing field', () => {
    expect(() => toLogEntry('u', { body: 'x', integratedTime: 1, logID: 'l', logIndex: 1 })).toThrow(/inclusionProof/);
    expect(() =>
      toLogEntry('u', {
        body: 'x',
        integratedTime: '1',
        logID: 'l',
        logIndex: 1,
        verification: {
          signedEntryTimestamp: 's',
          inclusionProof: { logIndex: 0, rootHash: 'r', treeSize: 1, hashes: [], checkpoint: 'c' },
        },
      }),
    ).toThrow(/integratedTime/);
  });
});
