/** What the doors know about the client certificate of a TLS connection (node's `getPeerCertificate()` + `authorized`). */
export interface PeerCertificate {
  subject?: { CN?: string | string[] } | Record<string, unknown>;
  /** the certificate chains to NOTARY_TLS_CA_FILE (tls.TLSSocket#authorized) */
  authorized: boolean;
}

/** Whether a peer certificate was sent at all (node returns `{}` when there is none). */
export const hasCertificate = (cert: unknown): boolean =>
  typeof cert === 'object' && cert !== null && Object.keys(cert).length > 0 && 'subject' in cert;
