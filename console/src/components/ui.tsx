/** Small building blocks every page uses: labelled fields, status lines, paging, JSON. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function Field(props: { label: string; hint?: string; children: (id: string, hintId?: string) => ComponentChildren }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, hintId)}
      {props.hint && <small id={hintId}>{props.hint}</small>}
    </div>
  );
}

/** A message the screen reader announces: errors assertively, the rest politely. */
export function Notice(props: { kind: 'error' | 'info' | 'ok' | 'warn'; children: ComponentChildren }) {
  return (
    <p class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

/** Keyset paging as the API does it: forward with next_page_token, back through the tokens already seen. */
export function Pager(props: { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={props.onPrev} disabled={props.page <= 1}>
        Previous page
      </button>
      <span aria-live="polite">Page {props.page}</span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next page
      </button>
    </nav>
  );
}

export function Json(props: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} aria-label={props.label}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

export const shortHash = (h: string | null | undefined): string => (h ? `${h.slice(0, 12)}…` : '—');

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** `<input type="datetime-local">` value (local time) as ISO 8601, or undefined when empty. */
export const isoFromLocal = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);

/** A form's submit handler: no page load, the async action runs (it reports its own errors). */
export const submitting =
  (action: () => Promise<void>) =>
  (e: Event): void => {
    e.preventDefault();
    void action();
  };

export const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
