import pino, { type Logger } from 'pino';
import { traceIds } from './observability/tracing.js';

/** Paths that may carry credentials; pino censors them wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-vault-token"]', 'headers.authorization',
  '*.token', '*.secretId', '*.secret_id', '*.passphrase', '*.keyringPassphrase', '*.password', '*.apiKey', '*.jwt',
  'auth.token', 'auth.secretId', 'auth.jwt', 'keyringPassphrase', 'adminToken', 'databaseUrl',
  // authentication (issue #8): API keys, bearer tokens and client credentials wherever they are nested
  'req.headers.cookie', 'headers["x-api-key"]', '*.headers.authorization', '*.headers["x-api-key"]', '*.authorization',
  '*.api_key', '*.adminToken', '*.bearer', '*.access_token', '*.id_token', '*.refresh_token', '*.client_secret', 'redisUrl', '*.redisUrl',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'afdp-notary' }, mixin: traceIds }, destination);
}
