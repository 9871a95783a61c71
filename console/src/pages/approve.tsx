/**
 * Approvals waiting for the signed-in analyst: the package, who else decided, approve or reject with
 * a comment. With authentication off there is no "me": the user says whom they decide for.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.js';
import type { Caller } from '../components/session-panel.js';
import { Field, Json, message, Notice, shortHash, when } from '../components/ui.js';
import { href } from '../router.js';

type Workflow = Schemas['WorkflowSummary'];
/** Pending workflows are read in pages of 100, at most this many pages (10,000 pending requests). */
const MAX_PAGES = 100;

async function pendingApprovals(): Promise<Workflow[]> {
  const out: Workflow[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const r = await ok(
      api.GET('/api/v1/workflows', { params: { query: { status_filter: 'pending', page_size: 100, page_token: token } } }),
    );
    out.push(...r.workflows.filter((w) => w.workflow_type === 'approval_signing'));
    if (!r.next_page_token) break;
    token = r.next_page_token;
  }
  return out;
}

const waitsFor = (w: Workflow, who: string) => w.approval_statuses?.some((a) => a.approver === who && a.status === 'pending') ?? false;

export function ApprovePage(props: { me?: Caller }) {
  const me = props.me;
  const [all, setAll] = useState<Workflow[]>();
  const [error, setError] = useState<string>();
  const [actAs, setActAs] = useState('');
  const load = async () => {
    setError(undefined);
    try {
      setAll(await pendingApprovals());
    } catch (err) {
      setError(message(err));
    }
  };
  useEffect(() => {
    if (me) void load();
  }, [me?.id]);

  if (!me || !me.permissions.includes('evidence.approve')) {
    return (
      <section aria-labelledby="approve-title">
        <h2 id="approve-title">Approvals</h2>
        {!me ? (
          <Notice kind="info">Sign in to see the approvals waiting for you.</Notice>
        ) : (
          <Notice kind="warn">Your roles ({me.roles.join(', ') || 'none'}) cannot approve: approvals need security_analyst.</Notice>
        )}
      </section>
    );
  }
  const who = me.id ?? actAs.trim();
  const mine = all?.filter((w) => who && waitsFor(w, who)) ?? [];
  return (
    <section aria-labelledby="approve-title">
      <h2 id="approve-title">Approvals waiting for {me.id ? 'you' : who || '…'}</h2>
      {!me.id && (
        <Field label="Decide as (approver name; authentication is off)">
          {(id) => <input id={id} value={actAs} onInput={(e) => setActAs(e.currentTarget.value)} />}
        </Field>
      )}
      <button type="button" onClick={load}>
        Refresh
      </button>
      {error && <Notice kind="error">{error}</Notice>}
      {all && mine.length === 0 && <Notice kind="info">Nothing waits for {me.id ? 'you' : who || 'that approver'}.</Notice>}
      {mine.map((w) => (
        <ApprovalCard key={w.workflow_id} workflow={w} approver={me.id ? undefined : who} onDecided={load} />
      ))}
    </section>
  );
}

function ApprovalCard(props: { workflow: Workflow; approver?: string; onDecided: () => Promise<void> }) {
  const w = props.workflow;
  const [pkg, setPkg] = useState<Schemas['StoredEvidence']>();
  const [comment, setComment] = useState('');
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string; verify?: string }>();
  useEffect(() => {
    if (w.evidence_package_hash)
      void ok(api.GET('/api/v1/evidence/{hash}', { params: { path: { hash: w.evidence_package_hash } } })).then(setPkg, () => undefined);
  }, [w.evidence_package_hash]);

  const decide = async (decision: 'approve' | 'reject') => {
    try {
      const body = { decision, comment: comment.trim() || null, ...(props.approver ? { approver: props.approver } : {}) };
      const r = await ok(api.POST('/api/v1/workflows/{id}/approvals', { params: { path: { id: w.workflow_id } }, body }));
      const verify =
        r.status === 'completed' && r.evidence_package_hash
          ? href('verify', { hash: r.evidence_package_hash, workflow: r.workflow_id })
          : undefined;
      setOutcome({ kind: 'ok', text: `${decision === 'approve' ? 'Approved' : 'Rejected'}: the workflow is now ${r.status}.`, verify });
    } catch (err) {
      setOutcome({ kind: 'error', text: message(err) });
    }
  };

  return (
    <article class="card approval" aria-labelledby={`wf-${w.workflow_id}`} data-workflow={w.workflow_id}>
      <h3 id={`wf-${w.workflow_id}`}>
        {w.event_type || 'approval'} by {w.actor_id || 'unknown actor'}
      </h3>
      <dl class="facts">
        <dt>Package</dt>
        <dd>
          <code title={w.evidence_package_hash ?? ''}>{shortHash(w.evidence_package_hash)}</code>
        </dd>
        <dt>Requested</dt>
        <dd>
          {when(w.created_at)} by {w.submitted_by ?? 'anonymous'}
        </dd>
        <dt>Expires</dt>
        <dd>{when(w.expires_at)}</dd>
        <dt>Quorum</dt>
        <dd>
          {w.quorum} of {w.approval_statuses?.length}
        </dd>
      </dl>
      <table aria-label="Approvers">
        <thead>
          <tr>
            <th scope="col">Approver</th>
            <th scope="col">Decision</th>
            <th scope="col">When</th>
            <th scope="col">Comment</th>
          </tr>
        </thead>
        <tbody>
          {w.approval_statuses?.map((a) => (
            <tr key={a.approver}>
              <td>
                <code>{a.approver}</code>
              </td>
              <td>
                <span class={`badge ${a.status}`}>{a.status}</span>
              </td>
              <td>{when(a.timestamp)}</td>
              <td>{a.comment ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pkg && (
        <details>
          <summary>The evidence package</summary>
          <Json value={pkg.evidence_package} label="Evidence package awaiting approval" />
        </details>
      )}
      {!outcome || outcome.kind === 'error' ? (
        <div class="decide">
          <Field label="Comment">
            {(id) => <textarea id={id} rows={2} maxLength={4096} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
          </Field>
          <div class="row">
            <button type="button" class="primary" onClick={() => decide('approve')}>
              Approve
            </button>
            <button type="button" class="danger" onClick={() => decide('reject')}>
              Reject
            </button>
          </div>
        </div>
      ) : null}
      {outcome && (
        <Notice kind={outcome.kind}>
          {outcome.text} {outcome.verify && <a href={outcome.verify}>Verify its receipt</a>}
        </Notice>
      )}
      {outcome?.kind === 'ok' && (
        <button type="button" onClick={props.onDecided}>
          Back to the list
        </button>
      )}
    </article>
  );
}
