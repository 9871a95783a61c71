/**
 * Who may do what: the roles of the AFDP deployment guide and the permissions they grant.
 * Pure data: every door (REST, gRPC) and every credential type (API key, JWT, mTLS) shares it.
 */
export const PERMISSIONS = [
  'evidence.create', // notarize: simple, approval and batch signing
  'evidence.read', // evidence, workflows, receipts, receipt validation
  'evidence.approve', // decide on an approval workflow
  'audit.read', // query the audit trail
  'keys.rotate', // new signing-key version
  'apikeys.manage', // create, list and revoke API keys
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['ai_engineer', 'security_analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Approvals go to security_analyst, not ai_engineer: the role that submits evidence for approval
 * must not be able to approve it (separation of duties). Admin holds everything.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  ai_engineer: ['evidence.create', 'evidence.read'],
  security_analyst: ['evidence.read', 'audit.read', 'evidence.approve'],
  admin: PERMISSIONS,
};

/**
 * OAuth scopes map onto the same permissions. `write` implies `read` (a client that notarizes must
 * fetch its receipts); neither scope reaches audit, approvals or admin: those need a role.
 */
export const SCOPE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  'afdp.notary.read': ['evidence.read'],
  'afdp.notary.write': ['evidence.create', 'evidence.read'],
};

/**
 * What an anonymous caller may do while authentication is off (NOTARY_AUTH_MODE=off): what the API
 * allowed before RBAC existed. Admin and audit operations always need a credential.
 */
export const OPEN_MODE_PERMISSIONS: ReadonlySet<Permission> = new Set(['evidence.create', 'evidence.read', 'evidence.approve']);

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
export const isPermission = (s: string): s is Permission => (PERMISSIONS as readonly string[]).includes(s);

/** The union of what the roles and scopes grant; unknown roles and scopes grant nothing. */
export function permissionsFor(roles: readonly string[], scopes: readonly string[] = []): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) if (isRole(role)) for (const p of ROLE_PERMISSIONS[role]) out.add(p);
  for (const scope of scopes) for (const p of SCOPE_PERMISSIONS[scope] ?? []) out.add(p);
  return out;
}
