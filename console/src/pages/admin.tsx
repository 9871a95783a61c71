/** Admin: API keys, signing-key versions and rotation, the audit trail. Each part shows only what the caller may use. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.js';
import { useKeyset } from '../components/keyset.js';
import type { Caller } from '../components/session-panel.js';
import { Field, isoFromLocal, message, Notice, Pager, submitting, when } from '../components/ui.js';

const ROLES = ['ai_engineer', 'security_analyst', 'admin'] as const;
type Role = (typeof ROLES)[number];

export function AdminPage(props: { me?: Caller }) {
  const can = (p: string) => props.me?.permissions.includes(p as never) ?? false;
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">Administration</h2>
      {!props.me?.id && <Notice kind="info">Sign in with an admin credential (or a security_analyst's, for the audit trail).</Notice>}
      {can('apikeys.manage') && <ApiKeys />}
      {can('keys.rotate') && <KeyVersions />}
      {can('audit.read') && <AuditTrail />}
      {props.me?.id && !can('apikeys.manage') && !can('audit.read') && (
        <Notice kind="warn">Your roles give no administration rights.</Notice>
      )}
    </section>
  );
}

function ApiKeys() {
  const [keys, setKeys] = useState<Schemas['ApiKey'][]>();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['ai_engineer']);
  const [created, setCreated] = useState<Schemas['ApiKeyCreated']>();
  const [error, setError] = useState<string>();
  const load = async () => {
    try {
      setKeys((await ok(api.GET('/api/v1/auth/api-keys'))).api_keys);
    } catch (err) {
      setError(message(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const create = async () => {
    setError(undefined);
    try {
      setCreated(await ok(api.POST('/api/v1/auth/api-keys', { body: { name: name.trim(), roles } })));
      setName('');
      await load();
    } catch (err) {
      setError(message(err));
    }
  };
  const revoke = async (k: Schemas['ApiKey']) => {
    if (!confirm(`Revoke the API key "${k.name}"? Callers using it are refused at once.`)) return;
    try {
      await ok(api.DELETE('/api/v1/auth/api-keys/{id}', { params: { path: { id: k.id } } }));
      await load();
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <section class="card" aria-labelledby="keys-title">
      <h3 id="keys-title">API keys</h3>
      <form class="filters" aria-label="New API key" onSubmit={submitting(create)}>
        <Field label="Name">
          {(id) => <input id={id} value={name} maxLength={200} required onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label class="check">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={(e) => setRoles(e.currentTarget.checked ? [...roles, r] : roles.filter((x) => x !== r))}
              />{' '}
              {r}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!name.trim() || roles.length === 0}>
          Create API key
        </button>
      </form>
      {created && (
        <Notice kind="ok">
          Created <strong>{created.name}</strong> (principal <code>api_key:{created.id}</code>). The key is shown this once:{' '}
          <code class="secret" data-testid="new-api-key">
            {created.api_key}
          </code>
        </Notice>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {keys && (
        <div class="scroll">
          <table aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Hint</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.roles.join(', ')}</td>
                  <td>
                    <code>{k.hint}…</code>
                  </td>
                  <td>
                    {when(k.created_at)} by {k.created_by ?? '—'}
                  </td>
                  <td>{k.revoked_at ? `revoked ${when(k.revoked_at)}` : 'active'}</td>
                  <td>
                    {!k.revoked_at && (
                      <button type="button" class="danger" onClick={() => revoke(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function KeyVersions() {
  const [root, setRoot] = useState<Schemas['TrustRoot']>();
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const load = async () => {
    try {
      setRoot(await ok(api.GET('/api/v1/trust-root')));
    } catch (err) {
      setNote({ kind: 'error', text: message(err) });
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const rotate = async () => {
    if (!confirm('Rotate the signing key? New signatures use a new version; old receipts keep verifying.')) return;
    try {
      const k = await ok(api.POST('/api/v1/keys/rotate'));
      setNote({
        kind: 'ok',
        text: `Now signing with ${k.key_id} v${k.version}. Re-pin the trust root in browsers that verify new receipts.`,
      });
      await load();
    } catch (err) {
      setNote({ kind: 'error', text: message(err) });
    }
  };
  return (
    <section class="card" aria-labelledby="versions-title">
      <h3 id="versions-title">Signing-key versions</h3>
      {root && (
        <table aria-label="Signing-key versions">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Version</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {root.signing_keys.map((k) => (
              <tr key={k.version}>
                <td>
                  <code>{k.key_id}</code>
                </td>
                <td>{k.version}</td>
                <td>{k.algorithm}</td>
                <td>{when(k.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={rotate}>
        Rotate the signing key
      </button>
      {note && <Notice kind={note.kind}>{note.text}</Notice>}
    </section>
  );
}

function AuditTrail() {
  const [f, setF] = useState({ event: '', principal: '', outcome: '', since: '', until: '' });
  const pages = useKeyset<Schemas['AuditEntry']>();
  const set = (k: keyof typeof f) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const search = () =>
    pages.search(async (token) => {
      const query = {
        event: f.event.trim() || undefined,
        principal: f.principal.trim() || undefined,
        outcome: (f.outcome || undefined) as 'success' | 'failure' | 'denied' | undefined,
        since: isoFromLocal(f.since),
        until: isoFromLocal(f.until),
        page_size: 20,
        page_token: token,
      };
      const r = await ok(api.GET('/api/v1/audit', { params: { query } }));
      return { items: r.entries, next: r.next_page_token };
    });
  useEffect(() => {
    void search();
  }, []);
  return (
    <section class="card" aria-labelledby="audit-title">
      <h3 id="audit-title">Audit trail</h3>
      <form class="filters" aria-label="Audit filters" onSubmit={submitting(search)}>
        <Field label="Event">{(id) => <input id={id} value={f.event} onInput={set('event')} placeholder="evidence.created" />}</Field>
        <Field label="Principal">{(id) => <input id={id} value={f.principal} onInput={set('principal')} />}</Field>
        <Field label="Outcome">
          {(id) => (
            <select id={id} value={f.outcome} onChange={set('outcome')}>
              <option value="">any</option>
              <option>success</option>
              <option>failure</option>
              <option>denied</option>
            </select>
          )}
        </Field>
        <Field label="Since">{(id) => <input id={id} type="datetime-local" value={f.since} onInput={set('since')} />}</Field>
        <Field label="Until">{(id) => <input id={id} type="datetime-local" value={f.until} onInput={set('until')} />}</Field>
        <button type="submit" disabled={pages.busy}>
          Filter the audit trail
        </button>
      </form>
      {pages.error && <Notice kind="error">{pages.error}</Notice>}
      {pages.items && (
        <div class="scroll">
          <table aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">At</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Principal</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((a) => (
                <tr key={a.seq}>
                  <td>{a.seq}</td>
                  <td>{when(a.at)}</td>
                  <td>{a.event}</td>
                  <td>
                    <span class={`badge ${a.outcome}`}>{a.outcome}</span>
                  </td>
                  <td>
                    <code>{a.principal ?? '—'}</code>
                  </td>
                  <td>
                    <code class="details">{JSON.stringify(a.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.items && <Pager page={pages.page} hasNext={pages.hasNext} onPrev={pages.prev} onNext={pages.next} />}
    </section>
  );
}
