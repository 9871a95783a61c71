import { AuthError, unauthenticated } from './errors.js';
import { OPEN_MODE_PERMISSIONS, type Permission } from './permissions.js';
import { authorize, type Principal } from './principal.js';

export type AuthMode = 'off' | 'required';

const OFF_MODE_ADMIN =
  'authentication is off, but audit, key rotation and API-key operations always need a credential: ' +
  'start the service with NOTARY_ADMIN_TOKEN set and send "Authorization: Bearer <that token>", or an admin API key';

/** What an operation needs: a permission, nothing (`public`), or undefined when nobody declared it. */
export type AccessRule = Permission | 'public' | undefined;

/**
 * The one access decision every door makes, after authenticating whatever credential was sent.
 * Throws AuthError (unauthenticated → 401 / UNAUTHENTICATED, forbidden → 403 / PERMISSION_DENIED).
 *
 * - public operations never look at credentials (health probes must not depend on the IdP);
 * - a caller who sent a credential is always held to RBAC, even while auth is off;
 * - an anonymous caller passes only when auth is off and the operation is an open one;
 * - an operation missing from the table is denied when auth is on (deny by default).
 */
export function decideAccess(mode: AuthMode, rule: AccessRule, principal: Principal | undefined): void {
  if (rule === 'public') return;
  if (!principal) {
    if (mode === 'off' && (rule === undefined || OPEN_MODE_PERMISSIONS.has(rule))) return;
    // the one 401 an operator meets on a fresh quick start: say why and what to send
    if (mode === 'off') throw unauthenticated('missing', OFF_MODE_ADMIN);
    throw unauthenticated('missing', 'this operation needs a credential (API key, bearer token or client certificate)');
  }
  if (rule === undefined) throw new AuthError('forbidden', 'no permission is defined for this operation: denied by default');
  authorize(principal, rule);
}
