import { AuthError } from './errors.js';
import { isRole, permissionsFor, type Permission, type Role } from './permissions.js';

export type CredentialKind = 'api_key' | 'jwt' | 'mtls' | 'admin_token';

/** An authenticated caller. `id` is stable and namespaced by credential kind, e.g. `jwt:alice`. */
export interface Principal {
  id: string;
  kind: CredentialKind;
  /** human-readable: key name, token subject, certificate CN */
  name: string;
  roles: readonly Role[];
  scopes: readonly string[];
  permissions: ReadonlySet<Permission>;
}

export function makePrincipal(p: {
  kind: CredentialKind;
  subject: string;
  name?: string;
  roles: readonly string[];
  scopes?: readonly string[];
}): Principal {
  const roles = p.roles.filter(isRole);
  const scopes = p.scopes ?? [];
  return {
    id: `${p.kind}:${p.subject}`,
    kind: p.kind,
    name: p.name ?? p.subject,
    roles,
    scopes,
    permissions: permissionsFor(roles, scopes),
  };
}

export const can = (principal: Principal, permission: Permission): boolean => principal.permissions.has(permission);

/** Throws `forbidden` unless the principal holds the permission. */
export function authorize(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) throw new AuthError('forbidden', `${principal.id} lacks the permission ${permission}`, { permission });
}
