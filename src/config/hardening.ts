import ipaddr from 'ipaddr.js';
import { ConfigError, type Reader } from './reader.js';
import { checkWebhookTarget } from '../core/webhook-url.js';

/** What a webhook URL may point at (src/adapters/webhooks/url-policy.ts enforces it). */
export interface WebhookPolicyConfig {
  /** http:// besides https:// (NOTARY_WEBHOOK_ALLOW_HTTP) */
  allowHttp: boolean;
  /** when set, only these host names (exact, lower case) */
  allowedHosts?: string[];
  /** private networks a receiver may be in (CIDRs); loopback, link-local and metadata never */
  allowedNetworks: string[];
  /** tests only: receivers on 127.0.0.0/8 and ::1 (refused with NODE_ENV=production) */
  allowLoopbackForTests: boolean;
}

/** Settings that close the holes of the attack review (issue #16). */
export interface HardeningConfig {
  /** fastify's trustProxy: which peers' X-Forwarded-For names the client (false: the socket's peer) */
  trustProxy: boolean | string[];
  /** failed authentications per client address and window before that address gets 429; 0: no limit */
  authFailures: { max: number; windowMs: number };
  webhookPolicy: WebhookPolicyConfig;
  /** how often the audit chain's head is signed and anchored in the transparency log; 0: never */
  auditAnchorIntervalMs: number;
  /** how often the embedded log re-derives its tree from the stored leaf bodies (it also does at start); 0: at start only */
  logSelfCheckIntervalMs: number;
}

export function hardeningConfig(r: Reader, env: Record<string, string | undefined>): HardeningConfig {
  return {
    trustProxy: trustProxy(r),
    authFailures: {
      max: r.int('NOTARY_AUTH_FAILURE_MAX', 20, 0, 1_000_000),
      windowMs: r.int('NOTARY_AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    },
    webhookPolicy: webhookPolicy(r, env),
    auditAnchorIntervalMs: intervalOrOff(r, 'NOTARY_AUDIT_ANCHOR_INTERVAL_MS', 60_000),
    logSelfCheckIntervalMs: intervalOrOff(r, 'NOTARY_LOG_SELF_CHECK_INTERVAL_MS', 600_000),
  };
}

function intervalOrOff(r: Reader, name: string, def: number): number {
  const v = r.int(name, def, 0, 86_400_000);
  if (v !== 0 && v < 100) throw new ConfigError(name, 'must be 0 (off) or at least 100');
  return v;
}

/**
 * NOTARY_TRUST_PROXY: false (default), true (every peer: only behind a proxy nobody can bypass), or
 * the addresses / CIDRs of the proxies. No hop count: it cannot tell a proxy from a direct client
 * that sends its own X-Forwarded-For (fastify refuses it for that reason).
 */
function trustProxy(r: Reader): HardeningConfig['trustProxy'] {
  const raw = r.optional('NOTARY_TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (!isAddressOrCidr(entry))
      throw new ConfigError('NOTARY_TRUST_PROXY', `"${entry}" is not an IP address or CIDR (or use true, false)`);
  }
  return list;
}

const isAddressOrCidr = (s: string): boolean =>
  ipaddr.isValid(s) ||
  (() => {
    try {
      ipaddr.parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  })();

/** Ranges no webhook may reach even when listed: the host itself, link-local (cloud metadata), unspecified, multicast. */
const NEVER = new Set(['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast']);

function webhookPolicy(r: Reader, env: Record<string, string | undefined>): WebhookPolicyConfig {
  const hosts = r.optional('NOTARY_WEBHOOK_ALLOWED_HOSTS');
  const networks = (r.optional('NOTARY_WEBHOOK_ALLOWED_NETWORKS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const cidr of networks) {
    let range: string;
    try {
      range = ipaddr.parseCIDR(cidr)[0].range();
    } catch {
      throw new ConfigError('NOTARY_WEBHOOK_ALLOWED_NETWORKS', `"${cidr}" is not a CIDR such as 10.20.0.0/16`);
    }
    if (NEVER.has(range)) throw new ConfigError('NOTARY_WEBHOOK_ALLOWED_NETWORKS', `${cidr} is ${range}: webhooks never go there`);
  }
  const allowLoopbackForTests = r.bool('NOTARY_WEBHOOK_ALLOW_LOOPBACK_FOR_TESTS', false);
  if (allowLoopbackForTests && env.NODE_ENV === 'production') {
    throw new ConfigError('NOTARY_WEBHOOK_ALLOW_LOOPBACK_FOR_TESTS', 'is for tests only and refused with NODE_ENV=production');
  }
  return {
    allowHttp: r.bool('NOTARY_WEBHOOK_ALLOW_HTTP', false),
    allowedHosts:
      hosts === undefined
        ? undefined
        : hosts
            .split(',')
            .map((h) => h.trim().toLowerCase())
            .filter(Boolean),
    allowedNetworks: networks,
    allowLoopbackForTests,
  };
}

/** NOTARY_WEBHOOK_URL meets the same rules as a per-workflow URL (its addresses are checked at each delivery). */
export function checkGlobalWebhookUrl(url: string | undefined, policy: WebhookPolicyConfig): void {
  if (url === undefined) return;
  try {
    checkWebhookTarget(url, policy, 'NOTARY_WEBHOOK_URL');
  } catch (err) {
    throw new ConfigError('NOTARY_WEBHOOK_URL', err instanceof Error ? err.message.replace(/^NOTARY_WEBHOOK_URL: /, '') : String(err));
  }
}
