/**
 * Verify a receipt in this browser, independently of the server: the package and receipt may come
 * from the server (it is not trusted for the verdict) or from files; the verdict rests only on the
 * pinned trust root.
 */
import { useEffect, useState } from 'preact/hooks';
import { readEvidence, readReceipt } from '../../../src/cli/documents.js';
import { api, ok } from '../api/client.js';
import { TrustPanel } from '../components/trust-panel.js';
import { Field, message, Notice, submitting } from '../components/ui.js';
import { NOT_CHECKED_IN_BROWSER, verifyReceipt, type Verification } from '../verify/receipt.js';
import type { PinnedRecord, TrustRoot } from '../verify/trust-root.js';

export function VerifyPage(props: { params: URLSearchParams; trust?: TrustRoot; pinned?: PinnedRecord; onPinned: () => Promise<void> }) {
  const { trust } = props;
  const [pkg, setPkg] = useState('');
  const [receipt, setReceipt] = useState('');
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Verification>();
  const [busy, setBusy] = useState(false);
  const hash = props.params.get('hash');
  const workflow = props.params.get('workflow');

  const run = async (pkgText = pkg, receiptText = receipt) => {
    setError(undefined);
    setResult(undefined);
    if (!trust) return setError('Pin a trust root first: the verdict rests on it alone.');
    setBusy(true);
    try {
      const evidence = readEvidence(parse(pkgText, 'evidence package'), 'evidence package');
      const r = readReceipt(parse(receiptText, 'receipt'), 'receipt');
      setResult(await verifyReceipt(evidence, r, trust));
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!hash) return;
    void (async () => {
      try {
        const stored = await ok(api.GET('/api/v1/evidence/{hash}', { params: { path: { hash } } }));
        const id = workflow ?? stored.workflow_ids[0];
        if (!id) throw new Error('no workflow notarized this package');
        const r = await ok(api.GET('/api/v1/workflows/{id}/receipt', { params: { path: { id } } }));
        const [p, rc] = [JSON.stringify(stored.evidence_package, null, 2), JSON.stringify(r, null, 2)];
        setPkg(p);
        setReceipt(rc);
        if (trust) await run(p, rc);
      } catch (err) {
        setError(`Could not load the stored package and receipt: ${message(err)}`);
      }
    })();
  }, [hash, workflow, trust?.fingerprint]);

  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Verify in this browser</h2>
      <p class="lede">
        RFC 8785 bytes and SHA-256 recomputed here, the ECDSA P-256 or P-384 signature, SET and checkpoint checked with WebCrypto, the
        inclusion proof with the service's own Merkle code compiled for the browser: against the pinned trust root only.
      </p>
      <TrustPanel trust={trust} pinned={props.pinned} onPinned={props.onPinned} />
      <form class="card" aria-label="Package and receipt" onSubmit={submitting(run)}>
        <div class="two">
          <TextOrFile label="Evidence package (JSON)" value={pkg} onChange={setPkg} />
          <TextOrFile label="Receipt (JSON: a receipt or a sign response)" value={receipt} onChange={setReceipt} />
        </div>
        <button type="submit" disabled={busy || !pkg || !receipt}>
          Verify in this browser
        </button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {result && <Result result={result} />}
    </section>
  );
}

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`the ${what} is not JSON: ${message(err)}`);
  }
}

function TextOrFile(props: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <div>
      <Field label={props.label}>
        {(id) => (
          <textarea id={id} rows={12} spellcheck={false} value={props.value} onInput={(e) => props.onChange(e.currentTarget.value)} />
        )}
      </Field>
      <Field label={`${props.label}: from a file`}>
        {(id) => (
          <input
            id={id}
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (file) props.onChange(await file.text());
            }}
          />
        )}
      </Field>
    </div>
  );
}

function Result({ result }: { result: Verification }) {
  const failed = result.checks.filter((c) => c.status === 'fail');
  const notChecked = result.checks.filter((c) => c.detail.startsWith(NOT_CHECKED_IN_BROWSER)).map((c) => c.check);
  const t = result.trusted;
  return (
    <section class="card" aria-labelledby="result-title">
      <h3 id="result-title">Result</h3>
      {result.ok ? (
        <Notice kind="ok">
          Valid: every check passed in this browser{notChecked.length > 0 ? ` (not checked here: ${notChecked.join(', ')})` : ''}.
        </Notice>
      ) : (
        <Notice kind="error">Not valid: {failed.map((c) => c.check).join(', ')} failed.</Notice>
      )}
      <ul class="checks" aria-label="Checks">
        {result.checks.map((c) => (
          <li key={c.check} data-check={c.check} data-status={c.status} class={`is-${c.status}`}>
            <span class="verdict">{c.status.toUpperCase()}</span> <strong>{c.check}</strong>: <span class="detail">{c.detail}</span>
          </li>
        ))}
      </ul>
      {result.warnings.length > 0 && (
        <ul class="warnings" aria-label="Warnings">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <p class="trusted">
        Trusted: signing key{' '}
        {t.key ? (
          <code>
            {t.key.keyId} v{t.key.version}
          </code>
        ) : (
          "none (the receipt's version is not pinned)"
        )}
        , log <code>{t.origin || t.logId}</code> (ID <code>{t.logId.slice(0, 16)}…</code>), trust root{' '}
        <code>{t.fingerprint.slice(0, 16)}…</code>. Not checked here:{' '}
        {notChecked.length > 0 ? notChecked.join(', ') : 'nothing the offline CLI checks for this receipt'}.
      </p>
    </section>
  );
}
