/**
 * One webhook POST that connects only to an address the policy allows. The name is resolved once,
 * every address it resolves to is checked, and the socket connects to exactly those addresses (a
 * `lookup` handed to node:http), so a DNS answer that changes between the check and the connect
 * (rebinding) cannot redirect the request. No redirect is followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { addressRefusal, checkWebhookTarget, hostOf, type WebhookUrlPolicy } from '../../core/webhook-url.js';
import { NotaryError } from '../../core/errors.js';

/** The target is not allowed (by name or by what it resolves to): final, retrying cannot help. */
export class WebhookTargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

/** How names are resolved: the system resolver (getaddrinfo: /etc/hosts, then DNS). */
export type Resolve = (host: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, found) => (err ? reject(err) : resolve(found))));

/** Every address `host` resolves to, if all of them are allowed; a name with one private address is refused whole. */
export async function resolveAllowed(host: string, policy: WebhookUrlPolicy, resolve: Resolve = systemResolve): Promise<LookupAddress[]> {
  const addresses = await resolve(host);
  for (const a of addresses) {
    const refusal = addressRefusal(a.address, policy);
    if (refusal) throw new WebhookTargetRefused(`${host} resolves to ${a.address}, ${refusal}`);
  }
  if (addresses.length === 0) throw new WebhookTargetRefused(`${host} resolves to no address`);
  return addresses;
}

const pinnedLookup =
  (policy: WebhookUrlPolicy, resolve: Resolve): LookupFunction =>
  (hostname, options, callback) => {
    resolveAllowed(hostname, policy, resolve).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

export interface PostResult {
  status: number;
}

export interface PinnedPostOptions {
  policy: WebhookUrlPolicy;
  timeoutMs: number;
  resolve?: Resolve;
}

/** POSTs `body`; resolves with the status (3xx included: not followed), rejects on transport errors and refusals. */
export function postPinned(url: string, headers: Record<string, string>, body: string, options: PinnedPostOptions): Promise<PostResult> {
  const { policy, timeoutMs, resolve: resolveName = systemResolve } = options;
  let target: URL;
  try {
    target = checkWebhookTarget(url, policy); // literal addresses never reach `lookup`: checked here, under today's policy
  } catch (err) {
    return Promise.reject(new WebhookTargetRefused(err instanceof Error ? err.message : String(err)));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(policy, resolveName),
        signal: AbortSignal.timeout(timeoutMs),
        agent: false, // no pooled socket that was connected under an earlier answer
      },
      (res) => {
        res.resume(); // the answer's body is not needed
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * For workflow creation: refuses (422) a URL whose name resolves to an address the policy does not
 * allow, or to nothing; a DNS server that does not answer is 503 (try again), not the caller's fault.
 */
export async function checkResolvable(url: string, policy: WebhookUrlPolicy, resolve: Resolve = systemResolve): Promise<void> {
  const target = checkWebhookTarget(url, policy);
  const host = hostOf(target);
  if (ipaddr.isValid(host)) return; // an address: checked above
  try {
    await resolveAllowed(host, policy, resolve);
  } catch (err) {
    if (err instanceof WebhookTargetRefused)
      throw new NotaryError('validation_failed', `webhook_url: ${err.message}`, { field: 'webhook_url' });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA')
      throw new NotaryError('validation_failed', `webhook_url: ${host} does not resolve`, { field: 'webhook_url' });
    throw new NotaryError('unavailable', `webhook_url: cannot resolve ${host} now`, { cause: err });
  }
}
