/** Sign in with an API key or an OIDC bearer token; shows who the service says the caller is. */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client.js';
import { setCredential, signOut } from '../session.js';
import { Field, Notice } from './ui.js';

export type Caller = Schemas['Caller'];

export function SessionPanel(props: { me?: Caller; error?: string; onChange: () => Promise<void> }) {
  const [token, setToken] = useState('');
  const [keep, setKeep] = useState(true);
  const { me } = props;
  if (me?.id) {
    return (
      <section class="session" aria-label="Session">
        <p>
          Signed in as <strong>{me.name}</strong> <code>{me.id}</code>
          {me.roles.length > 0 && <> · {me.roles.join(', ')}</>}
        </p>
        <button
          type="button"
          onClick={async () => {
            signOut();
            await props.onChange();
          }}
        >
          Sign out
        </button>
      </section>
    );
  }
  return (
    <form
      class="session"
      aria-label="Sign in"
      onSubmit={async (e) => {
        e.preventDefault();
        setCredential(token.trim(), keep);
        setToken('');
        await props.onChange();
      }}
    >
      <Field label="API key or bearer token" hint="Kept in this tab only, never on the server.">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
          />
        )}
      </Field>
      <label class="check">
        <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} /> Keep for this tab (sessionStorage)
      </label>
      <button type="submit">Sign in</button>
      {me && me.auth_mode === 'off' && <Notice kind="info">Authentication is off on this service: you act anonymously.</Notice>}
      {props.error && <Notice kind="error">{props.error}</Notice>}
    </form>
  );
}
