import type { ServerOptions as HttpsOptions } from 'node:https';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SqlAuditLog } from '../adapters/audit/index.js';
import { AuthFailureRollup } from '../adapters/audit/failure-rollup.js';
import { Authenticator, JwtVerifier, SqlApiKeyStore } from '../adapters/auth/index.js';
import {
  AuthFailureThrottle,
  MemoryWindowCounter,
  RedisWindowCounter,
  RequestBudget,
  type TrustProxy,
  type WindowCounter,
} from '../adapters/ratelimit/index.js';
import type { SqlClient } from '../adapters/db/sql-client.js';
import type { RestSecurityOptions } from '../api/rest/auth/index.js';
import type { Config } from '../config.js';
import type { AuthMode } from '../core/auth/index.js';

/** What every door needs to authenticate, authorize and audit (the gRPC door takes the same). */
export interface Security {
  mode: AuthMode;
  authenticator: Authenticator;
  apiKeys: SqlApiKeyStore;
  audit: SqlAuditLog;
  /** one request budget per principal, shared by every door; undefined: no limit */
  budget?: RequestBudget;
  /** failed authentications per client address (429 past the limit) */
  authFailures: AuthFailureThrottle;
  /** one audit row per address and window for failed authentications */
  failureRollup: AuthFailureRollup;
  /** how a client's address is found behind proxies (REST and gRPC alike) */
  trustProxy: TrustProxy;
  /** the REST plugin's options */
  rest: RestSecurityOptions;
  /** TLS options for node's https / tls servers; undefined: plain TCP */
  https?: HttpsOptions;
  close(): Promise<void>;
}

/** Authentication, audit, rate-limit store and TLS, from config. */
export async function buildSecurity(config: Config, db: SqlClient, logger: Logger, audit: SqlAuditLog): Promise<Security> {
  const { auth } = config;
  const apiKeys = new SqlApiKeyStore(db);
  const authenticator = new Authenticator({
    adminToken: config.adminToken,
    apiKeys,
    mtlsSubjectRoles: auth.mtlsSubjectRoles,
    jwt: auth.oidc ? new JwtVerifier(auth.oidc) : undefined,
  });
  const limited = config.rateLimit !== undefined || config.authFailures.max > 0;
  const redis = limited && config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const counter: WindowCounter = redis ? new RedisWindowCounter(redis) : new MemoryWindowCounter();
  const budget = config.rateLimit ? new RequestBudget(counter, config.rateLimit.max, config.rateLimit.windowMs) : undefined;
  const failureRollup = new AuthFailureRollup(audit, config.authFailures.windowMs);
  const authFailures = new AuthFailureThrottle(counter, config.authFailures.max, config.authFailures.windowMs, failureRollup);
  failureRollup.start();
  if (auth.mode === 'off') {
    logger.warn(
      { accepted: authenticator.methods, host: config.host },
      '!!! AUTHENTICATION IS OFF: anyone who can reach this service may notarize and read evidence. ' +
        'Set NOTARY_AUTH_MODE=required (or NOTARY_OIDC_ISSUER / NOTARY_MTLS_SUBJECT_ROLES) for any shared deployment !!!',
    );
    if (!isLoopback(config.host)) {
      logger.warn(
        { host: config.host },
        `!!! NOTARY_HOST=${config.host} exposes this UNAUTHENTICATED notary beyond this machine: anyone on the network may use it !!!`,
      );
    }
  } else {
    logger.info({ accepted: authenticator.methods }, 'authentication required');
  }
  return {
    mode: auth.mode,
    authenticator,
    apiKeys,
    audit,
    budget,
    authFailures,
    failureRollup,
    trustProxy: config.trustProxy,
    rest: {
      mode: auth.mode,
      authenticator,
      apiKeys,
      audit,
      authFailures,
      corsOrigins: config.corsOrigins,
      rateLimit: budget ? { max: budget.max, windowMs: budget.windowMs, store: budget.restStore() } : undefined,
    },
    https: httpsOptions(config),
    async close() {
      failureRollup.stop();
      await audit.flush();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** TLS 1.3 only; with a CA, client certificates are requested and checked against it (mTLS). */
function httpsOptions(config: Config): HttpsOptions | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  return {
    cert: tls.certPem,
    key: tls.keyPem,
    minVersion: 'TLSv1.3',
    ...(tls.caPem && tls.clientAuth !== 'none'
      ? // optional: callers without a certificate still connect and may use a token instead
        { ca: tls.caPem, requestCert: true, rejectUnauthorized: tls.clientAuth === 'required' }
      : {}),
  };
}

async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  // fail fast while Redis is down: the limiter then lets requests through instead of queueing them
  const redis = new Redis(url, { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  let warned = 0;
  redis.on('ready', () => logger.info('redis connected: rate limits are shared by all replicas'));
  redis.on('error', (err: Error) => {
    if (Date.now() - warned > 30_000) logger.warn({ err: { message: err.message } }, 'redis (rate limits) unavailable: not limiting');
    warned = Date.now();
  });
  // without an offline queue, commands sent before the connection is ready fail: connect first (a
  // Redis that is down at start-up is not fatal; ioredis keeps reconnecting in the background)
  await redis.connect().catch(() => undefined);
  return redis;
}
