import type { Logger } from 'pino';
import { AuditStream, type AuditSink } from '../adapters/siem/audit-stream.js';
import { OtlpLogsSink } from '../adapters/siem/otlp-logs.js';
import { frame, toSyslogMessage } from '../adapters/siem/syslog-format.js';
import { SyslogTlsSink } from '../adapters/siem/syslog-tls-sink.js';
import type { SqlClient } from '../adapters/db/sql-client.js';
import type { SiemConfig, SyslogSiemConfig } from '../config/siem.js';

/** One audit stream per configured destination, started; stop() before the database closes. */
export function startSiemStreams(config: SiemConfig, db: SqlClient, logger: Logger): { stop(): Promise<void> } {
  const sinks: [string, AuditSink][] = [];
  if (config.syslog) sinks.push([`syslog-tls://${config.syslog.host}:${config.syslog.port}`, syslogSink(config.syslog)]);
  if (config.otlp) sinks.push([`otlp-logs:${config.otlp.endpoint}`, new OtlpLogsSink(config.otlp)]);
  const streams = sinks.map(([name, sink]) => {
    const stream = new AuditStream({
      db,
      name,
      sink,
      batchSize: config.batchSize,
      pollMs: config.pollMs,
      retryMs: config.retryMs,
      leaseMs: config.leaseMs,
      logger,
    });
    stream.start();
    return stream;
  });
  logger.info({ siem: sinks.map(([name]) => name) }, 'streaming audit events to the SIEM');
  return {
    stop: async () => {
      await Promise.all(streams.map((s) => s.stop()));
    },
  };
}

function syslogSink(config: SyslogSiemConfig): AuditSink {
  const tls = new SyslogTlsSink(config);
  const format = { facility: config.facility, hostname: config.hostname, appName: 'afdp-notary', procId: String(process.pid) };
  return {
    send: (records) => tls.send(records.map((r) => frame(toSyslogMessage(r, format)))),
    get connected() {
      return tls.connected;
    },
    close: () => tls.close(),
  };
}
