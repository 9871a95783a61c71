/**
 * Where the notary may POST a webhook: the rules against server-side request forgery, pure (no DNS,
 * no sockets). A URL is checked when a workflow is created; the address actually connected to is
 * checked again at every delivery (src/adapters/webhooks/pinned-post.ts), so a name that resolves
 * elsewhere later (DNS rebinding) is refused then.
 */
import ipaddr from 'ipaddr.js';
import { invalid } from './errors.js';

export interface WebhookUrlPolicy {
  allowHttp: boolean;
  /** exact host names (lower case); undefined: any public host */
  allowedHosts?: readonly string[];
  /** private networks a receiver may be in, as CIDRs */
  allowedNetworks: readonly string[];
  /** tests only: 127.0.0.0/8 and ::1 */
  allowLoopbackForTests: boolean;
}

export const STRICT_WEBHOOK_POLICY: WebhookUrlPolicy = { allowHttp: false, allowedNetworks: [], allowLoopbackForTests: false };

const MAX_URL = 2048;

/**
 * The URL as stored and delivered to, or a validation error naming webhook_url. The WHATWG parser
 * has already turned `http://2130706433/`, `http://0x7f.1/` and `http://127.1/` into 127.0.0.1, so
 * every spelling of an address meets the same address rules.
 */
export function checkWebhookTarget(url: string, policy: WebhookUrlPolicy, field = 'webhook_url'): URL {
  if (url.length > MAX_URL) throw invalid(field, `must be at most ${MAX_URL} characters`);
  // stored as sent: the URL parser would quietly drop or encode control characters
  if (/[\u0000-\u001f\u007f]|\p{Cs}/u.test(url)) throw invalid(field, 'must not contain control characters or lone surrogates');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(field, 'is not a valid URL');
  }
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw invalid(
      field,
      policy.allowHttp ? 'must be an http or https URL' : 'must be an https URL (http needs NOTARY_WEBHOOK_ALLOW_HTTP=true)',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') throw invalid(field, 'must not carry credentials');
  const host = hostOf(parsed);
  if (policy.allowedHosts && !policy.allowedHosts.includes(host))
    throw invalid(field, `host ${host} is not in NOTARY_WEBHOOK_ALLOWED_HOSTS`);
  if (ipaddr.isValid(host)) {
    const refusal = addressRefusal(host, policy);
    if (refusal) throw invalid(field, `${host} is ${refusal}: webhooks go to public addresses only`);
  }
  return parsed;
}

/** The host without IPv6 brackets, lower case. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/**
 * Why an address may not receive webhooks (its range: loopback, private, linkLocal — where cloud
 * metadata services answer —, carrierGradeNat, uniqueLocal, ipv4Mapped …), or undefined when it may.
 * Only ordinary unicast addresses pass, plus the private networks the operator listed.
 */
export function addressRefusal(address: string, policy: WebhookUrlPolicy): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && policy.allowLoopbackForTests) return undefined;
  if (policy.allowedNetworks.some((cidr) => inNetwork(parsed, cidr))) return undefined;
  return `a ${range} address`;
}

function inNetwork(address: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean {
  const network = ipaddr.parseCIDR(cidr);
  return address.kind() === network[0].kind() && address.match(network);
}
