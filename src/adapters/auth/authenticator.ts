import { createHash, timingSafeEqual } from 'node:crypto';
import { makePrincipal, unauthenticated, type Principal } from '../../core/auth/index.js';
import { API_KEY_PREFIX, type ApiKeyInfo } from './api-key-store.js';
import { principalFromCertificate } from './mtls.js';
import type { CredentialCheck, Credentials } from '../../ports/authenticator.js';

export type { Credentials } from '../../ports/authenticator.js';

export interface AuthenticatorOptions {
  /** NOTARY_ADMIN_TOKEN: the bootstrap admin credential, to create the first API keys */
  adminToken?: string;
  apiKeys: { findByKey(key: string): Promise<ApiKeyInfo | undefined> };
  jwt?: { verify(token: string): Promise<Principal> };
  mtlsSubjectRoles: Readonly<Record<string, readonly string[]>>;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** Turns credentials into a principal. Returns undefined when none was sent; throws AuthError when one is bad. */
export class Authenticator implements CredentialCheck {
  private readonly adminDigest?: Buffer;

  constructor(private readonly options: AuthenticatorOptions) {
    this.adminDigest = options.adminToken ? digest(options.adminToken) : undefined;
  }

  /** Which credential types this server accepts, for WWW-Authenticate and the start-up log. */
  get methods(): string[] {
    const o = this.options;
    return [
      'api_key',
      ...(o.jwt ? ['jwt'] : []),
      ...(Object.keys(o.mtlsSubjectRoles).length ? ['mtls'] : []),
      ...(this.adminDigest ? ['admin_token'] : []),
    ];
  }

  async authenticate(c: Credentials): Promise<Principal | undefined> {
    if (c.authorization !== undefined) return this.bearer(c.authorization);
    if (c.apiKey !== undefined) return this.apiKey(c.apiKey);
    if (c.peerCertificate) return principalFromCertificate(c.peerCertificate, this.options.mtlsSubjectRoles);
    return undefined;
  }

  private async bearer(header: string): Promise<Principal> {
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw unauthenticated('malformed', 'the Authorization header must be "Bearer <token>"');
    const token = match[1]!;
    if (token.startsWith(API_KEY_PREFIX)) return this.apiKey(token);
    // digests compared in constant time: no timing or length leak of the admin token
    if (this.adminDigest && timingSafeEqual(digest(token), this.adminDigest)) {
      return makePrincipal({ kind: 'admin_token', subject: 'bootstrap', name: 'NOTARY_ADMIN_TOKEN', roles: ['admin'] });
    }
    if (!JWT_SHAPE.test(token)) throw unauthenticated('malformed', 'the bearer token is neither an API key nor a JWT');
    if (!this.options.jwt) throw unauthenticated('unsupported', 'this service accepts no JWTs (no OIDC issuer configured)');
    return this.options.jwt.verify(token);
  }

  private async apiKey(key: string): Promise<Principal> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) throw unauthenticated('malformed', 'not an API key of this service');
    const info = await this.options.apiKeys.findByKey(key);
    if (!info) throw unauthenticated('unknown_key', 'unknown API key');
    if (info.revoked_at) throw unauthenticated('revoked', 'this API key has been revoked');
    return makePrincipal({ kind: 'api_key', subject: info.id, name: info.name, roles: info.roles });
  }
}
