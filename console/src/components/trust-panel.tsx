/**
 * The pinned trust root: what every verification on these pages trusts. Pasted, loaded from a file,
 * or (trust on first use) fetched from this server once; kept in localStorage with its fingerprint.
 */
import { useState } from 'preact/hooks';
import { groupFingerprint, readTrustRoot, savePinned, forgetPinned, type PinnedRecord, type TrustRoot } from '../verify/trust-root.js';
import { Field, message, Notice } from './ui.js';

export function TrustPanel(props: { trust?: TrustRoot; pinned?: PinnedRecord; onPinned: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  const { trust, pinned } = props;

  const pin = async (json: string, source: string) => {
    setError(undefined);
    try {
      const value = JSON.parse(json) as unknown;
      await readTrustRoot(value); // refuse before storing anything unusable
      savePinned({ json: value as Record<string, unknown>, pinnedAt: new Date().toISOString(), source });
      setText('');
      setEditing(false);
      await props.onPinned();
    } catch (err) {
      setError(`Not pinned: ${message(err)}`);
    }
  };

  return (
    <section class="card trust" aria-labelledby="trust-title">
      <h2 id="trust-title">Pinned trust root</h2>
      {trust && pinned ? (
        <dl class="facts">
          <dt>Fingerprint (SHA-256, RFC 8785)</dt>
          <dd>
            <code class="fingerprint" data-testid="fingerprint">
              {groupFingerprint(trust.fingerprint)}
            </code>
          </dd>
          <dt>Signing keys</dt>
          <dd>{trust.keys.map((k) => `${k.keyId} v${k.version}`).join(', ') || 'none'}</dd>
          <dt>Transparency log</dt>
          <dd>
            <code>{trust.log.origin || trust.log.logId}</code>
          </dd>
          <dt>Pinned</dt>
          <dd>
            {new Date(pinned.pinnedAt).toLocaleString()} from {pinned.source}
          </dd>
        </dl>
      ) : (
        <Notice kind="warn">No trust root is pinned in this browser: nothing can be verified yet.</Notice>
      )}
      {!editing && (
        <button type="button" onClick={() => setEditing(true)}>
          {trust ? 'Replace the trust root' : 'Pin a trust root'}
        </button>
      )}
      {editing && (
        <div class="pin">
          <p>
            Compare the fingerprint with one obtained out of band (<code>npx afdp-notary trust-root</code>, your release notes) before
            relying on it.
          </p>
          <Field label="Trust root JSON (GET /api/v1/trust-root)">
            {(id) => <textarea id={id} rows={6} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <div class="row">
            <button type="button" disabled={!text.trim()} onClick={() => pin(text, 'pasted')}>
              Pin pasted JSON
            </button>
            <Field label="…or load a file">
              {(id) => (
                <input
                  id={id}
                  type="file"
                  accept="application/json,.json"
                  onChange={async (e) => {
                    const file = e.currentTarget.files?.[0];
                    if (file) await pin(await file.text(), `file ${file.name}`);
                  }}
                />
              )}
            </Field>
            <button
              type="button"
              onClick={async () => {
                try {
                  const res = await fetch('/api/v1/trust-root');
                  await pin(await res.text(), `${location.origin}/api/v1/trust-root (trust on first use)`);
                } catch (err) {
                  setError(message(err));
                }
              }}
            >
              Fetch this server's (trust on first use)
            </button>
            {trust && (
              <button
                type="button"
                class="danger"
                onClick={async () => {
                  forgetPinned();
                  setEditing(false);
                  await props.onPinned();
                }}
              >
                Forget it
              </button>
            )}
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}
