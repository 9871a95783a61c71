// Issue 19: on embedded defaults the anchor commits with the notarization, and it still goes through
// the transparency-log port, so its metrics and its span exist like Rekor's.
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { uniquePackage } from '../support/records.js';

/** The value of one sample in a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('a REST sign on embedded defaults', () => {
  it('counts, times and traces the log append of every notarization', async () => {
    const collector = await startOtlpReceiver();
    // no audit-head anchoring in between: every append counted here is a notarization's
    const app = await startTestApp({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, NOTARY_AUDIT_ANCHOR_INTERVAL_MS: '0' });
    const appends = async () => {
      const text = (await app.rest.inject({ method: 'GET', url: '/metrics' })).body;
      return {
        ok: sample(text, 'notary_dependency_duration_seconds_count', { dependency: 'db', operation: 'log_append', outcome: 'success' }),
        failed: sample(text, 'notary_dependency_errors_total', { dependency: 'db', operation: 'log_append' }),
      };
    };
    const before = await appends();
    const signs = await Promise.all(
      [0, 1, 2].map((i) =>
        app.rest.inject({
          method: 'POST',
          url: '/api/v1/evidence/sign',
          payload: { evidence_package: uniquePackage(`observed-append-${i}`) },
        }),
      ),
    );
    for (const res of signs) {
      expect(res.statusCode).toBe(200);
      expect(res.json().receipt.log_index).toEqual(expect.any(Number)); // anchored within the request
    }
    expect(await appends()).toEqual({ ok: before.ok + 3, failed: before.failed });
    await app.close(); // flushes the batch span processor
    await collector.close();

    const servers = collector.spans.filter((s) => s.name === 'POST /api/v1/evidence/sign');
    expect(servers).toHaveLength(3);
    for (const server of servers) {
      const children = collector.spans.filter((s) => s.traceId === server.traceId && s.parentSpanId === server.spanId).map((s) => s.name);
      expect(children).toEqual(expect.arrayContaining(['notary.store', 'notary.anchor']));
    }
  });
});
