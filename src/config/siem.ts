import { hostname } from 'node:os';
import { ConfigError, type Reader } from './reader.js';

/** Where and how audit events travel as syslog over TLS (what the syslog sink connects with). */
export interface SyslogTlsSettings {
  host: string;
  port: number;
  /** CA the collector's certificate must chain to */
  caPem: string;
  /** client certificate and key, for collectors that authenticate senders */
  certPem?: string;
  keyPem?: string;
  /** name checked against the collector's certificate */
  serverName: string;
}

/** An OTLP/HTTP logs collector (what the OTLP sink posts to). */
export interface OtlpLogsSettings {
  /** the collector's OTLP/HTTP base URL, e.g. http://collector:4318 */
  endpoint: string;
  serviceName: string;
  hostname: string;
}

/** Syslog (RFC 5424) over TLS with octet-counting framing (RFC 5425). TLS is not optional: audit events name principals. */
export interface SyslogSiemConfig extends SyslogTlsSettings {
  /** RFC 5424 HOSTNAME field */
  hostname: string;
  /** syslog facility; 13 is "log audit" */
  facility: number;
}

/** Audit events to a SIEM: one or both destinations, each with its own cursor, and how the streams run. */
export interface SiemConfig {
  syslog?: SyslogSiemConfig;
  otlp?: OtlpLogsSettings;
  /** how often the cursor is polled for newly committed events */
  pollMs: number;
  /** events sent per round, at most */
  batchSize: number;
  /** wait before trying again after the destination failed */
  retryMs: number;
  /** one replica streams; another takes over when its lease is not renewed for this long */
  leaseMs: number;
}

/** NOTARY_SIEM_SYSLOG_HOST and/or NOTARY_SIEM_OTLP_LOGS_URL switch streaming on. */
export function siemConfig(r: Reader): SiemConfig | undefined {
  const name = r.str('NOTARY_SIEM_HOSTNAME', hostname());
  // RFC 5424 HOSTNAME: printable US-ASCII, no spaces, at most 255 characters
  if (!/^[\x21-\x7e]{1,255}$/.test(name))
    throw new ConfigError('NOTARY_SIEM_HOSTNAME', 'must be 1–255 printable ASCII characters without spaces');
  const syslog = syslogConfig(r, name);
  const otlpUrl = r.url('NOTARY_SIEM_OTLP_LOGS_URL', ['http:', 'https:']);
  if (!syslog && !otlpUrl) return undefined;
  return {
    syslog,
    otlp: otlpUrl ? { endpoint: otlpUrl, serviceName: r.str('OTEL_SERVICE_NAME', 'afdp-notary'), hostname: name } : undefined,
    pollMs: r.int('NOTARY_SIEM_POLL_MS', 500, 10, 3_600_000),
    batchSize: r.int('NOTARY_SIEM_BATCH_SIZE', 500, 1, 10_000),
    retryMs: r.int('NOTARY_SIEM_RETRY_MS', 2_000, 10, 3_600_000),
    leaseMs: r.int('NOTARY_SIEM_LEASE_MS', 15_000, 100, 3_600_000),
  };
}

function syslogConfig(r: Reader, name: string): SyslogSiemConfig | undefined {
  const host = r.optional('NOTARY_SIEM_SYSLOG_HOST');
  if (!host) return undefined;
  if (!/^[\w.:-]{1,253}$/.test(host)) throw new ConfigError('NOTARY_SIEM_SYSLOG_HOST', 'must be a host name or IP address');
  const caFile = r.required('NOTARY_SIEM_SYSLOG_CA_FILE');
  const certFile = r.optional('NOTARY_SIEM_SYSLOG_CERT_FILE');
  const keyFile = r.optional('NOTARY_SIEM_SYSLOG_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new ConfigError(
      certFile ? 'NOTARY_SIEM_SYSLOG_KEY_FILE' : 'NOTARY_SIEM_SYSLOG_CERT_FILE',
      'client certificate and key go together',
    );
  return {
    host,
    port: r.int('NOTARY_SIEM_SYSLOG_PORT', 6514, 1, 65535),
    caPem: r.file('NOTARY_SIEM_SYSLOG_CA_FILE', caFile),
    certPem: certFile ? r.file('NOTARY_SIEM_SYSLOG_CERT_FILE', certFile) : undefined,
    keyPem: keyFile ? r.file('NOTARY_SIEM_SYSLOG_KEY_FILE', keyFile) : undefined,
    serverName: r.str('NOTARY_SIEM_SYSLOG_SERVERNAME', host),
    hostname: name,
    facility: r.int('NOTARY_SIEM_FACILITY', 13, 0, 23),
  };
}
