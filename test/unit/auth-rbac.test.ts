import { describe, expect, it } from 'vitest';
import { ROUTE_RULES, routeRule } from '../../src/api/rest/auth/route-permissions.js';
import { METHOD_RULES, methodRule } from '../../src/api/grpc/method-rules.js';
import { notaryServiceDefinition } from '../../src/api/grpc/proto.js';
import {
  AuthError,
  decideAccess,
  isPermission,
  makePrincipal,
  permissionsFor,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  type Permission,
} from '../../src/core/auth/index.js';

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof AuthError ? err.code : 'other';
  }
};

describe('roles and scopes', () => {
  it("grants the deployment guide's permissions per role, admin everything", () => {
    expect([...permissionsFor(['ai_engineer'])].sort()).toEqual(['evidence.create', 'evidence.read']);
    expect([...permissionsFor(['security_analyst'])].sort()).toEqual(['audit.read', 'evidence.approve', 'evidence.read']);
    expect([...permissionsFor(['admin'])].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('keeps separation of duties: the submitting role cannot approve', () => {
    expect(ROLE_PERMISSIONS.ai_engineer).not.toContain('evidence.approve');
  });

  it('maps the OAuth scopes: read → evidence.read, write → create + read, neither reaches audit or admin', () => {
    expect([...permissionsFor([], ['afdp.notary.read'])]).toEqual(['evidence.read']);
    expect([...permissionsFor([], ['afdp.notary.write'])].sort()).toEqual(['evidence.create', 'evidence.read']);
    expect(permissionsFor([], ['afdp.notary.read', 'afdp.notary.write']).has('audit.read')).toBe(false);
  });

  it('ignores unknown roles and scopes instead of failing', () => {
    expect(permissionsFor(['root', 'superuser'], ['openid', 'profile']).size).toBe(0);
    expect(makePrincipal({ kind: 'jwt', subject: 'x', roles: ['root', 'admin'] }).roles).toEqual(['admin']);
  });

  it('namespaces principal ids by credential kind', () => {
    expect(makePrincipal({ kind: 'jwt', subject: 'alice', roles: [] }).id).toBe('jwt:alice');
    expect(makePrincipal({ kind: 'mtls', subject: 'alice', roles: [] }).id).toBe('mtls:alice');
  });
});

describe('decideAccess', () => {
  const engineer = makePrincipal({ kind: 'api_key', subject: 'k1', roles: ['ai_engineer'] });
  const cases: [string, 'off' | 'required', Permission | 'public' | undefined, typeof engineer | undefined, string | null][] = [
    ['public routes need nothing', 'required', 'public', undefined, null],
    ['anonymous is refused when auth is required', 'required', 'evidence.read', undefined, 'unauthenticated'],
    ['anonymous may notarize while auth is off', 'off', 'evidence.create', undefined, null],
    ['anonymous may not rotate keys even while auth is off', 'off', 'keys.rotate', undefined, 'unauthenticated'],
    ['anonymous may not read the audit trail while auth is off', 'off', 'audit.read', undefined, 'unauthenticated'],
    ['an unlisted route is open only while auth is off', 'off', undefined, undefined, null],
    ['an unlisted route is denied by default', 'required', undefined, engineer, 'forbidden'],
    ['a permitted principal passes', 'required', 'evidence.create', engineer, null],
    ['a principal without the permission is forbidden', 'required', 'audit.read', engineer, 'forbidden'],
    ['RBAC applies to a presented credential even while auth is off', 'off', 'audit.read', engineer, 'forbidden'],
  ];
  it.each(cases)('%s', (_name, mode, rule, principal, expected) => {
    expect(codeOf(() => decideAccess(mode, rule, principal))).toBe(expected);
  });
});

describe('permission tables', () => {
  it('covers every route other engineers are adding, with the intended permission', () => {
    expect(routeRule('POST', '/api/v1/evidence/sign')).toMatchObject({ permission: 'evidence.create' });
    expect(routeRule('POST', '/api/v1/evidence/sign/approval')).toMatchObject({ permission: 'evidence.create' });
    expect(routeRule('POST', '/api/v1/evidence/sign/batch')).toMatchObject({ permission: 'evidence.create' });
    expect(routeRule('POST', '/api/v1/workflows/:id/approvals')).toMatchObject({ permission: 'evidence.approve' });
    expect(routeRule('HEAD', '/api/v1/evidence/:hash')).toMatchObject({ permission: 'evidence.read' });
    expect(routeRule('GET', '/health')).toBe('public');
    expect(routeRule('PUT', '/api/v1/evidence/sign')).toBeUndefined();
  });

  it('names only known permissions', () => {
    for (const rule of Object.values(ROUTE_RULES)) if (rule !== 'public') expect(isPermission(rule.permission)).toBe(true);
    for (const rule of Object.values(METHOD_RULES)) if (rule !== 'public') expect(isPermission(rule.permission)).toBe(true);
  });

  it('gives every NotaryService method of the proto a row in METHOD_RULES (a missing one would be denied)', () => {
    const paths = Object.values(notaryServiceDefinition()).map((m) => m.path);
    expect(paths.length).toBeGreaterThanOrEqual(9);
    for (const path of paths) expect(methodRule(path), path).toBeDefined();
    expect(methodRule('/afdp.notary.v1.NotaryService/NoSuchMethod')).toBeUndefined();
  });
});
