/** Find evidence (artifact hash, event type, actor, time stored) and workflows (status, time created). */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.js';
import { useKeyset } from '../components/keyset.js';
import { Field, isoFromLocal, Json, Notice, Pager, shortHash, submitting, when } from '../components/ui.js';
import { href } from '../router.js';

type Evidence = Schemas['StoredEvidence'];
type Workflow = Schemas['WorkflowSummary'];
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;

export function FindPage() {
  const [tab, setTab] = useState<'evidence' | 'workflows'>('evidence');
  return (
    <section aria-labelledby="find-title">
      <h2 id="find-title">Find</h2>
      <div class="tabs" role="group" aria-label="What to find">
        <button type="button" aria-pressed={tab === 'evidence'} onClick={() => setTab('evidence')}>
          Evidence
        </button>
        <button type="button" aria-pressed={tab === 'workflows'} onClick={() => setTab('workflows')}>
          Workflows
        </button>
      </div>
      {tab === 'evidence' ? <EvidenceSearch /> : <WorkflowSearch />}
    </section>
  );
}

function EvidenceSearch() {
  const [f, setF] = useState({ artifact: '', event: '', actor: '', from: '', to: '' });
  const [open, setOpen] = useState<string>();
  const pages = useKeyset<Evidence>();
  const set = (k: keyof typeof f) => (e: { currentTarget: HTMLInputElement }) => setF({ ...f, [k]: e.currentTarget.value });
  const search = () =>
    pages.search(async (token) => {
      const query = {
        artifact_hash: f.artifact.trim().toLowerCase() || undefined,
        event_type: f.event.trim() || undefined,
        actor_id: f.actor.trim() || undefined,
        start_time: isoFromLocal(f.from),
        end_time: isoFromLocal(f.to),
        page_size: 10,
        page_token: token,
      };
      const r = await ok(api.GET('/api/v1/evidence', { params: { query } }));
      return { items: r.evidence, next: r.next_page_token };
    });
  return (
    <>
      <form class="filters" aria-label="Evidence filters" onSubmit={submitting(search)}>
        <Field label="Artifact hash (SHA-256 hex)">
          {(id) => <input id={id} value={f.artifact} onInput={set('artifact')} pattern="[0-9a-fA-F]{64}" spellcheck={false} />}
        </Field>
        <Field label="Event type">{(id) => <input id={id} value={f.event} onInput={set('event')} />}</Field>
        <Field label="Actor id">{(id) => <input id={id} value={f.actor} onInput={set('actor')} />}</Field>
        <Field label="Stored from">{(id) => <input id={id} type="datetime-local" value={f.from} onInput={set('from')} />}</Field>
        <Field label="Stored before">{(id) => <input id={id} type="datetime-local" value={f.to} onInput={set('to')} />}</Field>
        <button type="submit" disabled={pages.busy}>
          Search evidence
        </button>
      </form>
      {pages.error && <Notice kind="error">{pages.error}</Notice>}
      {pages.items &&
        (pages.items.length === 0 ? (
          <Notice kind="info">No evidence matches.</Notice>
        ) : (
          <div class="scroll">
            <table aria-label="Evidence found">
              <thead>
                <tr>
                  <th scope="col">Stored</th>
                  <th scope="col">Event type</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Hash</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {pages.items.map((e) => (
                  <>
                    <tr key={e.evidence_package_hash}>
                      <td>{when(e.created_at)}</td>
                      <td>{e.event_type}</td>
                      <td>{e.actor_id}</td>
                      <td>
                        <code title={e.evidence_package_hash}>{shortHash(e.evidence_package_hash)}</code>
                      </td>
                      <td class="actions">
                        <a
                          class="button"
                          href={href('verify', {
                            hash: e.evidence_package_hash,
                            ...(e.workflow_ids[0] ? { workflow: e.workflow_ids[0] } : {}),
                          })}
                        >
                          Verify
                        </a>
                        <button
                          type="button"
                          aria-expanded={open === e.evidence_package_hash}
                          onClick={() => setOpen(open === e.evidence_package_hash ? undefined : e.evidence_package_hash)}
                        >
                          Package
                        </button>
                      </td>
                    </tr>
                    {open === e.evidence_package_hash && (
                      <tr>
                        <td colSpan={5}>
                          <Json value={e.evidence_package} label="Evidence package" />
                        </td>
                      </tr>
                    )}
                  </>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {pages.items && <Pager page={pages.page} hasNext={pages.hasNext} onPrev={pages.prev} onNext={pages.next} />}
    </>
  );
}

function WorkflowSearch() {
  const [f, setF] = useState({ status: '', from: '', to: '' });
  const pages = useKeyset<Workflow>();
  const search = () =>
    pages.search(async (token) => {
      const query = {
        status_filter: (f.status || undefined) as (typeof STATUSES)[number] | undefined,
        start_time: isoFromLocal(f.from),
        end_time: isoFromLocal(f.to),
        page_size: 10,
        page_token: token,
      };
      const r = await ok(api.GET('/api/v1/workflows', { params: { query } }));
      return { items: r.workflows, next: r.next_page_token, total: r.total_count };
    });
  return (
    <>
      <form class="filters" aria-label="Workflow filters" onSubmit={submitting(search)}>
        <Field label="Status">
          {(id) => (
            <select id={id} value={f.status} onChange={(e) => setF({ ...f, status: e.currentTarget.value })}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Created from">
          {(id) => <input id={id} type="datetime-local" value={f.from} onInput={(e) => setF({ ...f, from: e.currentTarget.value })} />}
        </Field>
        <Field label="Created before">
          {(id) => <input id={id} type="datetime-local" value={f.to} onInput={(e) => setF({ ...f, to: e.currentTarget.value })} />}
        </Field>
        <button type="submit" disabled={pages.busy}>
          Search workflows
        </button>
      </form>
      {pages.error && <Notice kind="error">{pages.error}</Notice>}
      {pages.items && (
        <p>
          {pages.total} workflow{pages.total === 1 ? '' : 's'} match.
        </p>
      )}
      {pages.items && pages.items.length > 0 && (
        <div class="scroll">
          <table aria-label="Workflows found">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Event type</th>
                <th scope="col">Actor</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((w) => (
                <tr key={w.workflow_id}>
                  <td>{when(w.created_at)}</td>
                  <td>{w.workflow_type}</td>
                  <td>
                    <span class={`badge ${w.status}`}>{w.status}</span>
                  </td>
                  <td>{w.event_type}</td>
                  <td>{w.actor_id}</td>
                  <td class="actions">
                    {w.status === 'completed' && w.evidence_package_hash && (
                      <a class="button" href={href('verify', { hash: w.evidence_package_hash, workflow: w.workflow_id })}>
                        Verify
                      </a>
                    )}
                    {w.workflow_type === 'approval_signing' && w.status === 'pending' && (
                      <a class="button" href={href('approve')}>
                        Approvals
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.items && <Pager page={pages.page} hasNext={pages.hasNext} onPrev={pages.prev} onNext={pages.next} />}
    </>
  );
}
