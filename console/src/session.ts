/**
 * The credential the user typed in (an API key or an OIDC bearer token). It lives in this tab only:
 * sessionStorage when the user asks to keep it for the tab, memory otherwise; never a cookie, never
 * localStorage, never sent anywhere but this origin's API in the Authorization header.
 */
const KEY = 'afdp-console.credential';
let inMemory: string | undefined;

export function credential(): string | undefined {
  return inMemory ?? sessionStorage.getItem(KEY) ?? undefined;
}

export function setCredential(token: string, keepForTab: boolean): void {
  signOut();
  if (keepForTab) sessionStorage.setItem(KEY, token);
  else inMemory = token;
}

export function signOut(): void {
  inMemory = undefined;
  sessionStorage.removeItem(KEY);
}

/** Both kinds go as a bearer token: the service tells API keys (afdp_…) from JWTs itself. */
export const authorization = (): string | undefined => {
  const token = credential();
  return token ? `Bearer ${token}` : undefined;
};
