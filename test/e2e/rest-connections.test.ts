// The REST server over a real socket under abuse: every error it can still answer is problem+json,
// slow or oversized uploads are bounded, and other callers keep being served.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { seededDataDir } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import { startService, waitReady } from '../support/service-process.js';

/** Writes raw bytes and reads until the server closes (or `ms` passes); returns what it answered. */
function raw(port: number, request: string | Buffer, ms = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, ms);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

function parse(response: string) {
  const [head, body] = response.split('\r\n\r\n') as [string, string];
  const status = Number(head.split(' ')[1]);
  return { status, head: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

describe('REST connections', () => {
  let app: TestApp;
  let port: number;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp({
      NOTARY_MAX_BODY_BYTES: String(1024 * 1024),
      NOTARY_HTTP_REQUEST_TIMEOUT_MS: '1500',
      NOTARY_HTTP_HEADERS_TIMEOUT_MS: '1000',
      NOTARY_HTTP_MAX_CONNECTIONS: '8',
    });
    base = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(base).port);
  });
  afterAll(async () => app?.close());

  const sign = (tag: string) =>
    fetch(`${base}/api/v1/evidence/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ evidence_package: uniquePackage(tag) }),
    });

  it.each([
    [
      'a request line and headers over the size Node reads (431)',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'Content-Length together with Transfer-Encoding (400)',
      'POST /api/v1/evidence/sign HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'invalid_request',
    ],
    [
      'two Content-Length headers (400)',
      'POST /api/v1/evidence/sign HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      400,
      'invalid_request',
    ],
    ['a bare LF line ending (400)', 'GET /health HTTP/1.1\nHost: x\n\n', 400, 'invalid_request'],
    [
      'a path parameter over the router limit (414)',
      `GET /api/v1/workflows/${'a'.repeat(200)}/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      414,
      'uri_too_long',
    ],
  ])('answers %s with problem+json', async (_name, request, status, code) => {
    const { text } = await raw(port, request);
    const res = parse(text);
    expect(res.status).toBe(status);
    expect(res.head).toContain('content-type: application/problem+json');
    expect(res.body).toMatchObject({ status, code });
    expect(typeof res.body.request_id).toBe('string');
  });

  it("lets Node's fetch, still uploading 12 MB, read the 413 (the service as its own process)", async () => {
    // in-process, client and server share one event loop and the upload always finishes first; across
    // processes the server used to answer and close while fetch was still writing: EPIPE, no answer
    const service = await startService({ NOTARY_DATA_DIR: seededDataDir() });
    const { url } = service;
    try {
      await waitReady(service);
      const body = JSON.stringify({ evidence_package: { pad: 'x'.repeat(12 * 1024 * 1024) } });
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${url}/api/v1/evidence/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(413);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((await res.json()).code).toBe('payload_too_large');
      }
    } finally {
      await service.stop();
    }
  }, 120_000);

  it('cuts a client dribbling its body at the request timeout with a 408, while others are served', async () => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write('POST /api/v1/evidence/sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    const drip = setInterval(() => socket.write(' '), 100);
    // meanwhile, honest callers are served
    const statuses = await Promise.all([0, 1, 2].map((i) => sign(`dribble-${i}`).then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200]);
    const at = await closed;
    clearInterval(drip);
    expect(at - started).toBeLessThan(6000);
    const res = parse(answer);
    expect(res.status).toBe(408);
    expect(res.body).toMatchObject({ code: 'request_timeout' });
  });

  it('caps open connections: one over the cap is closed at once, the open ones keep being served', async () => {
    const idle = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(port, '127.0.0.1', () => resolve(s));
            s.on('error', () => undefined);
          }),
      ),
    );
    try {
      const refused = await raw(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', 3000);
      expect(refused).toEqual({ text: '', closed: true });
      // an open connection still gets its answer
      const first = idle[0]!;
      const answer = new Promise<string>((resolve) => first.once('data', (d) => resolve(d.toString())));
      first.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await answer).split(' ')[1]).toBe('200');
    } finally {
      for (const s of idle) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect((await sign('after-cap')).status).toBe(200);
  });
});
