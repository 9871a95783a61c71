import proxyaddr from '@fastify/proxy-addr';
import ipaddr from 'ipaddr.js';
import type { TrustProxy } from '../../ports/request-limits.js';

/** grpc-js peers read `address:port` (IPv6 unbracketed): the address. */
export function peerAddress(peer: string): string {
  const m = /^(?:ipv[46]:)?\[?(.*?)\]?:(\d+)$/.exec(peer);
  return m && ipaddr.isValid(m[1]!) ? m[1]! : peer;
}

/**
 * The client's address for a gRPC call, by the same rule as REST's request.ip (fastify's trustProxy
 * through the same library): the peer, or the X-Forwarded-For address the trusted proxies vouch for.
 */
export function grpcClientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  const socketAddress = peerAddress(peer);
  if (trust === false || forwardedFor === undefined) return socketAddress;
  const req = {
    socket: { remoteAddress: socketAddress },
    connection: { remoteAddress: socketAddress },
    headers: { 'x-forwarded-for': forwardedFor },
  };
  return proxyaddr(req as never, trust === true ? () => true : proxyaddr.compile(trust));
}
