import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyBody } from '../../src/adapters/webhooks/index.js';

/** The settings a service needs to deliver to this receiver (http on loopback: test-only, never a default). */
export const LOOPBACK_RECEIVER = { NOTARY_WEBHOOK_ALLOW_HTTP: 'true', NOTARY_WEBHOOK_ALLOW_LOOPBACK_FOR_TESTS: 'true' } as const;
/** The same as a dispatcher's policy. */
export const LOOPBACK_POLICY = { allowHttp: true, allowedNetworks: [], allowLoopbackForTests: true } as const;

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** the X-AFDP-Signature header is the HMAC of the raw body under the shared secret */
  signatureValid: boolean;
  /** what this receiver answered */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** answer the next `n` deliveries with `status` (to exercise retries), with `headers` (e.g. a redirect's location) */
  failNext(n: number, status?: number, headers?: Record<string, string>): void;
  /** resolves once `count` deliveries with a 2xx answer and a valid signature matched `filter` */
  waitFor(count: number, filter?: (w: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Loopback receiver that checks each delivery's HMAC, as a real webhook consumer must. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let failing = 0;
  let failStatus = 500;
  let failHeaders: Record<string, string> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyBody(secret, raw, req.headers['x-afdp-signature'] as string | undefined);
      const failed = failing > 0;
      const status = failed ? (failing--, failStatus) : signatureValid ? 204 : 401;
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown>, signatureValid, status });
      res.writeHead(status, failed ? failHeaders : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = (filter: (w: ReceivedWebhook) => boolean) => received.filter((w) => w.status < 300 && w.signatureValid && filter(w));
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    failNext(n, status = 500, headers = {}) {
      failing = n;
      failStatus = status;
      failHeaders = headers;
    },
    async waitFor(count, filter = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted(filter).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${count} webhooks, got ${accepted(filter).length}: ${JSON.stringify(received.map((r) => r.body.event))}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
      return accepted(filter);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
