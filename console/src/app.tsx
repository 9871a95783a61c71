/** The console's frame: navigation, who is signed in, the pinned trust root, and the current page. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok } from './api/client.js';
import { SessionPanel, type Caller } from './components/session-panel.js';
import { message } from './components/ui.js';
import { AdminPage } from './pages/admin.js';
import { ApprovePage } from './pages/approve.js';
import { FindPage } from './pages/find.js';
import { LogPage } from './pages/log.js';
import { VerifyPage } from './pages/verify.js';
import { href, useRoute, type Page } from './router.js';
import { credential, signOut } from './session.js';
import { loadPinned, readTrustRoot, type PinnedRecord, type TrustRoot } from './verify/trust-root.js';

const TITLES: Record<Page, string> = { find: 'Find', verify: 'Verify', approve: 'Approve', log: 'Log', admin: 'Admin' };

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<Caller>();
  const [authError, setAuthError] = useState<string>();
  const [pinned, setPinned] = useState<PinnedRecord>();
  const [trust, setTrust] = useState<TrustRoot>();
  const main = useRef<HTMLElement>(null);

  const refreshMe = async () => {
    setAuthError(undefined);
    try {
      setMe(await ok(api.GET('/api/v1/auth/whoami')));
    } catch (err) {
      setMe(undefined);
      if ((err as { status?: number }).status !== 401) return setAuthError(message(err));
      // a credential the service refuses is dropped, so later calls do not send it again
      if (credential() !== undefined) setAuthError(`The service refused that credential: ${message(err)}`);
      signOut();
    }
  };
  const refreshTrust = async () => {
    const rec = loadPinned();
    setPinned(rec);
    try {
      setTrust(rec ? await readTrustRoot(rec.json) : undefined);
    } catch {
      setTrust(undefined);
    }
  };
  useEffect(() => {
    void refreshMe();
    void refreshTrust();
  }, []);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · AFDP Notary console`;
  }, [route.page]);

  return (
    <>
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to the page
      </button>
      <header class="top">
        <h1>
          <a href={href('find')}>AFDP Notary console</a>
        </h1>
        <nav aria-label="Pages">
          <ul>
            {(Object.keys(TITLES) as Page[]).map((p) => (
              <li key={p}>
                <a href={href(p)} aria-current={route.page === p ? 'page' : undefined}>
                  {TITLES[p]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <SessionPanel me={me} error={authError} onChange={refreshMe} />
      </header>
      <main ref={main} tabIndex={-1}>
        {route.page === 'find' && <FindPage />}
        {route.page === 'verify' && <VerifyPage params={route.params} trust={trust} pinned={pinned} onPinned={refreshTrust} />}
        {route.page === 'approve' && <ApprovePage me={me} />}
        {route.page === 'log' && <LogPage trust={trust} pinned={pinned} onPinned={refreshTrust} />}
        {route.page === 'admin' && <AdminPage me={me} />}
      </main>
    </>
  );
}
