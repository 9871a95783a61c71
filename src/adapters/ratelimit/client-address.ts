import proxyaddr from '@fastify/proxy-addr';
import ipaddr from 'ipaddr.js';

/**
 * The key a client address is limited under: an IPv4 address as it is (an IPv4-mapped IPv6 one
 * too), an IPv6 address by its /64, the smallest network one subscriber usually holds (otherwise a
 * caller with a /64 would have 2^64 fresh budgets).
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** grpc-js peers read `address:port` (IPv6 unbracketed): the address. */
export function peerAddress(peer: string): string {
  const m = /^(?:ipv[46]:)?\[?(.*?)\]?:(\d+)$/.exec(peer);
  return m && ipaddr.isValid(m[1]!) ? m[1]! : peer;
}

export type TrustProxy = boolean | string[];

/**
 * The client's address for a gRPC call, by the same rule as REST's request.ip (fastify's trustProxy
 * through the same library): the peer, or the X-Forwarded-For address the trusted proxies vouch for.
 */
export function grpcClientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  const socketAddress = peerAddress(peer);
  if (trust === false || forwardedFor === undefined) return socketAddress;
  const req = { socket: { remoteAddress: socketAddress }, connection: { remoteAddress: socketAddress }, headers: { 'x-forwarded-for': forwardedFor } };
  return proxyaddr(req as never, trust === true ? () => true : proxyaddr.compile(trust));
}
