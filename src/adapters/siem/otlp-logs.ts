/**
 * Audit records as OTLP logs (OTLP/HTTP JSON encoding, POST <endpoint>/v1/logs), for collectors and
 * SIEMs that take OpenTelemetry. Unlike syslog over TLS, the collector answers: a 2xx without
 * rejected records means received, so the cursor moves only after that answer. The chain fields
 * are attributes (`audit.seq`, `audit.hash`, `audit.prev_hash`); the body is the same JSON of every
 * hashed column as the syslog message carries.
 */
import { HttpClient } from '../http/http-client.js';
import type { AuditRecord } from '../audit/chain.js';
import type { AuditSink } from './audit-stream.js';
import { auditRecordJson } from './syslog-format.js';
import type { OtlpLogsSettings } from '../../config/siem.js';

export interface OtlpLogsOptions extends OtlpLogsSettings {
  timeoutMs?: number;
}

type AnyValue = { stringValue: string } | { intValue: string };
const attr = (key: string, value: AnyValue) => ({ key, value });
const str = (s: string): AnyValue => ({ stringValue: s });

/** ExportLogsServiceRequest for a batch of audit records. */
export function toOtlpLogs(records: AuditRecord[], o: Pick<OtlpLogsOptions, 'serviceName' | 'hostname'>): unknown {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', str(o.serviceName)), attr('host.name', str(o.hostname))] },
        scopeLogs: [
          {
            scope: { name: 'afdp-notary.audit' },
            logRecords: records.map((r) => ({
              timeUnixNano: `${BigInt(Date.parse(r.at)) * 1_000_000n}`,
              observedTimeUnixNano: now,
              // success: INFO (9); failure or denied: WARN (13)
              severityNumber: r.outcome === 'success' ? 9 : 13,
              severityText: r.outcome === 'success' ? 'INFO' : 'WARN',
              body: str(auditRecordJson(r)),
              attributes: [
                attr('event.name', str(r.event)),
                attr('audit.seq', { intValue: String(r.seq) }),
                attr('audit.hash', str(r.hash)),
                attr('audit.prev_hash', str(r.prev_hash)),
                attr('audit.outcome', str(r.outcome)),
                ...(r.principal === null ? [] : [attr('audit.principal', str(r.principal))]),
              ],
            })),
          },
        ],
      },
    ],
  };
}

export class OtlpLogsSink implements AuditSink {
  private readonly http: HttpClient;
  // every send is answered: nothing is in flight between sends
  readonly connected = false;

  constructor(private readonly o: OtlpLogsOptions) {
    this.http = new HttpClient({ baseUrl: o.endpoint, timeoutMs: o.timeoutMs ?? 10_000, retries: 1 });
  }

  async send(records: AuditRecord[]): Promise<void> {
    const res = await this.http.request('POST', '/v1/logs', toOtlpLogs(records, this.o));
    const rejected = Number(
      (res.body as { partialSuccess?: { rejectedLogRecords?: string | number } } | undefined)?.partialSuccess?.rejectedLogRecords ?? 0,
    );
    // a partial success is sent again whole: duplicates are allowed, gaps are not
    if (rejected > 0) throw new Error(`OTLP collector rejected ${rejected} of ${records.length} log records`);
  }

  close(): void {}
}
