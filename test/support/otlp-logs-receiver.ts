import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLog {
  body: string;
  attributes: Record<string, string>;
  severityNumber: number;
  service: string;
}

/**
 * A loopback OTLP/HTTP logs receiver: POST /v1/logs with the OTLP JSON encoding
 * (ExportLogsServiceRequest), answering 200 `{}` as a collector does — or, while `unavailable` is
 * set, 503 (a retryable answer in the OTLP/HTTP spec), storing nothing.
 */
export async function startOtlpLogsReceiver() {
  const logs: ReceivedLog[] = [];
  const state = { unavailable: false, requests: 0, refused: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (req.method !== 'POST' || req.url !== '/v1/logs' || !String(req.headers['content-type']).includes('application/json')) {
        res.writeHead(415).end();
        return;
      }
      if (state.unavailable) {
        state.refused++;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":14,"message":"unavailable"}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rl of body.resourceLogs ?? []) {
        const service = rl.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue;
        for (const sl of rl.scopeLogs ?? []) {
          for (const l of sl.logRecords ?? []) {
            const attributes = Object.fromEntries(
              (l.attributes ?? []).map((a: { key: string; value: Record<string, string> }) => [a.key, Object.values(a.value)[0]]),
            );
            logs.push({ body: l.body?.stringValue, attributes, severityNumber: l.severityNumber, service });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
