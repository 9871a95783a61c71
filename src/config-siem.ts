import { hostname } from 'node:os';
import type { SyslogTlsOptions } from './adapters/siem/syslog-tls-sink.js';
import { ConfigError, type Reader } from './config.js';

/** Audit events to a SIEM: syslog (RFC 5424) over TLS with octet-counting framing (RFC 5425). TLS is not optional: audit events name principals. */
export interface SiemConfig extends SyslogTlsOptions {
  /** RFC 5424 HOSTNAME field */
  hostname: string;
  /** syslog facility; 13 is "log audit" */
  facility: number;
  /** how often the cursor is polled for newly committed events */
  pollMs: number;
  /** events sent per round, at most */
  batchSize: number;
  /** wait before reconnecting after the collector failed */
  retryMs: number;
  /** one replica streams; another takes over when its lease is not renewed for this long */
  leaseMs: number;
}

/** NOTARY_SIEM_SYSLOG_HOST switches streaming on; a CA file is then required. */
export function siemConfig(r: Reader): SiemConfig | undefined {
  const host = r.optional('NOTARY_SIEM_SYSLOG_HOST');
  if (!host) return undefined;
  if (!/^[\w.:-]{1,253}$/.test(host)) throw new ConfigError('NOTARY_SIEM_SYSLOG_HOST', 'must be a host name or IP address');
  const caFile = r.required('NOTARY_SIEM_SYSLOG_CA_FILE');
  const certFile = r.optional('NOTARY_SIEM_SYSLOG_CERT_FILE');
  const keyFile = r.optional('NOTARY_SIEM_SYSLOG_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError(certFile ? 'NOTARY_SIEM_SYSLOG_KEY_FILE' : 'NOTARY_SIEM_SYSLOG_CERT_FILE', 'client certificate and key go together');
  const name = r.str('NOTARY_SIEM_HOSTNAME', hostname());
  // RFC 5424 HOSTNAME: printable US-ASCII, no spaces, at most 255 characters
  if (!/^[\x21-\x7e]{1,255}$/.test(name)) throw new ConfigError('NOTARY_SIEM_HOSTNAME', 'must be 1–255 printable ASCII characters without spaces');
  return {
    host,
    port: r.int('NOTARY_SIEM_SYSLOG_PORT', 6514, 1, 65535),
    caPem: r.file('NOTARY_SIEM_SYSLOG_CA_FILE', caFile),
    certPem: certFile ? r.file('NOTARY_SIEM_SYSLOG_CERT_FILE', certFile) : undefined,
    keyPem: keyFile ? r.file('NOTARY_SIEM_SYSLOG_KEY_FILE', keyFile) : undefined,
    serverName: r.str('NOTARY_SIEM_SYSLOG_SERVERNAME', host),
    hostname: name,
    facility: r.int('NOTARY_SIEM_FACILITY', 13, 0, 23),
    pollMs: r.int('NOTARY_SIEM_POLL_MS', 500, 10, 3_600_000),
    batchSize: r.int('NOTARY_SIEM_BATCH_SIZE', 500, 1, 10_000),
    retryMs: r.int('NOTARY_SIEM_RETRY_MS', 2_000, 10, 3_600_000),
    leaseMs: r.int('NOTARY_SIEM_LEASE_MS', 15_000, 100, 3_600_000),
  };
}
