import type { Logger } from 'pino';
import { AuditStream } from './adapters/siem/audit-stream.js';
import { frame, toSyslogMessage } from './adapters/siem/syslog-format.js';
import { SyslogTlsSink } from './adapters/siem/syslog-tls-sink.js';
import type { SqlClient } from './adapters/store/sql-client.js';
import type { SiemConfig } from './config-siem.js';

/** The audit stream to a syslog collector over TLS, started; stop() before the database closes. */
export function startSiemStream(config: SiemConfig, db: SqlClient, logger: Logger): AuditStream {
  const tls = new SyslogTlsSink(config);
  const format = { facility: config.facility, hostname: config.hostname, appName: 'afdp-notary', procId: String(process.pid) };
  const stream = new AuditStream({
    db, name: `syslog-tls://${config.host}:${config.port}`, batchSize: config.batchSize, pollMs: config.pollMs, retryMs: config.retryMs, leaseMs: config.leaseMs, logger,
    sink: {
      send: (records) => tls.send(records.map((r) => frame(toSyslogMessage(r, format)))),
      get connected() { return tls.connected; },
      close: () => tls.close(),
    },
  });
  stream.start();
  logger.info({ siem: `${config.host}:${config.port}` }, 'streaming audit events to the SIEM (syslog over TLS)');
  return stream;
}
