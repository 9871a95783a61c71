import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { describeRequestLine, REQUEST_MESSAGE, type RequestLine } from './request-log.js';
import { traceIds } from './tracing.js';
import { EVIDENCE_REDACT_PATHS, safeError } from './log-safety.js';

/** Paths that may carry credentials; pino censors them wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-vault-token"]',
  'headers.authorization',
  '*.token',
  '*.secretId',
  '*.secret_id',
  '*.passphrase',
  '*.keyringPassphrase',
  '*.password',
  '*.apiKey',
  '*.jwt',
  'auth.token',
  'auth.secretId',
  'auth.jwt',
  'keyringPassphrase',
  'adminToken',
  'databaseUrl',
  // authentication (issue #8): API keys, bearer tokens and client credentials wherever they are nested
  'req.headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.authorization',
  '*.api_key',
  '*.adminToken',
  '*.bearer',
  '*.access_token',
  '*.id_token',
  '*.refresh_token',
  '*.client_secret',
  'redisUrl',
  '*.redisUrl',
];

/** json: one JSON object per line (log collectors); pretty: coloured lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/** NOTARY_LOG_FORMAT=auto picks pretty when stdout is a terminal, JSON otherwise. */
export function resolveLogFormat(setting: 'auto' | LogFormat, stdoutIsTty = process.stdout.isTTY === true): LogFormat {
  return setting === 'auto' ? (stdoutIsTty ? 'pretty' : 'json') : setting;
}

// keys the pretty message already shows, or that a person at a terminal does not need
const PRETTY_IGNORE = 'pid,hostname,service,config,node,startup,door,method,route,path,status,duration_ms,principal,request_id';

/** pino-pretty, in this process (no worker thread): only used at a terminal, where speed is not the point. */
function prettyStream(destination?: pino.DestinationStream) {
  return pretty({
    colorize: destination === undefined && process.stdout.isTTY === true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: PRETTY_IGNORE,
    ...(destination ? { destination } : {}),
    messageFormat: (log, messageKey) => {
      const text =
        log[messageKey] === REQUEST_MESSAGE && 'status' in log
          ? describeRequestLine(log as Partial<RequestLine>)
          : String(log[messageKey] ?? '');
      return log.request_id ? `${text} [${String(log.request_id)}]` : text;
    },
  });
}

/**
 * The service logger. Credentials and evidence fields are censored wherever they are nested
 * (`extraRedact`: NOTARY_LOG_REDACT), and errors are logged without the input they may quote
 * (src/observability/log-safety.ts). `tracing` false (no OTLP endpoint: no span is ever active)
 * leaves out the per-line trace-id lookup, which could only ever add nothing.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
  extraRedact: readonly string[] = [],
  tracing = true,
): Logger {
  const paths = [...new Set([...REDACT_PATHS, ...EVIDENCE_REDACT_PATHS, ...extraRedact])];
  const serializers = { err: safeError, error: safeError, cause: safeError };
  const options = {
    level,
    redact: { paths, censor: '[redacted]' },
    serializers,
    base: { service: 'afdp-notary' },
    ...(tracing && { mixin: traceIds }),
  };
  return pino(options, format === 'pretty' ? prettyStream(destination) : destination);
}
