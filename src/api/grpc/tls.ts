import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { TlsConfig } from '../../config.js';
import type { PeerCertificate } from '../../core/auth/index.js';

/**
 * gRPC over TLS 1.3 from the same files as REST. grpc-js's `createSsl` cannot pin the protocol
 * version nor make client certificates optional, but its ServerCredentials constructor passes
 * node's own server and context options through to `http2.createSecureServer`.
 */
class Tls13ServerCredentials extends grpc.ServerCredentials {
  constructor(tls: TlsConfig) {
    const askForCert = tls.clientAuth !== 'none' && tls.caPem !== undefined;
    super(
      { minVersion: 'TLSv1.3', requestCert: askForCert, rejectUnauthorized: tls.clientAuth === 'required', ALPNProtocols: ['h2'] },
      { cert: tls.certPem, key: tls.keyPem, ...(askForCert ? { ca: tls.caPem } : {}), minVersion: 'TLSv1.3' },
    );
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/** Credentials for `server.bindAsync`: TLS 1.3 when configured, plaintext otherwise. */
export function grpcServerCredentials(tls: TlsConfig | undefined): grpc.ServerCredentials {
  return tls ? new Tls13ServerCredentials(tls) : grpc.ServerCredentials.createInsecure();
}

/**
 * The client certificate of a gRPC call, for `authenticateGrpcMetadata`. grpc-js reports the
 * certificate but not whether the handshake verified it (with optional client auth the handshake
 * accepts any), so it is checked here: issued and signed directly by the configured CA, and valid
 * now. Intermediate CAs are not supported on this door; use NOTARY_TLS_CLIENT_AUTH=required for them.
 */
export function grpcPeerCertificate(
  call: { getAuthContext?(): { sslPeerCertificate?: { raw?: Buffer; subject?: unknown } } | null },
  tls: TlsConfig | undefined,
): PeerCertificate | undefined {
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  if (!cert?.raw || !tls?.caPem || tls.clientAuth === 'none') return undefined;
  const subject = cert.subject as PeerCertificate['subject'];
  if (tls.clientAuth === 'required') return { subject, authorized: true }; // the handshake refused anything else
  return { subject, authorized: verifiedByCa(cert.raw, tls.caPem) };
}

function verifiedByCa(raw: Buffer, caPem: string): boolean {
  try {
    const leaf = new X509Certificate(raw);
    const now = Date.now();
    if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) return false;
    return splitPem(caPem).some((pem) => {
      const ca = new X509Certificate(pem);
      return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
    });
  } catch {
    return false;
  }
}

const splitPem = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
