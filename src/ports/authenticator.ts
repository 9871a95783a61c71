import type { PeerCertificate, Principal } from '../core/auth/index.js';

/** The credentials a request carries, whatever the door: REST headers, gRPC metadata, the TLS peer. */
export interface Credentials {
  /** `Authorization` value: `Bearer <JWT | API key | admin token>` */
  authorization?: string;
  /** `X-API-Key` value */
  apiKey?: string;
  peerCertificate?: PeerCertificate;
}

/** Turns credentials into a principal, the same for every door. */
export interface CredentialCheck {
  /** undefined when no credential was sent; throws AuthError when one is bad */
  authenticate(credentials: Credentials): Promise<Principal | undefined>;
  /** which credential types are accepted (WWW-Authenticate, the start-up log) */
  readonly methods: string[];
}
