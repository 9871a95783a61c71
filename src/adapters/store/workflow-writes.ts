import type { CanonicalEvidence } from '../../core/evidence.js';
import type { Workflow } from '../../core/workflow.js';
import { toNotification } from '../../core/workflows/notifications.js';
import type { Effect } from '../../core/workflows/types.js';
import type { StoredSignature } from '../../ports/evidence-store.js';
import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import { bodyValues } from './evidence-body.js';
import { runAll, unnestInsert } from '../db/statements.js';
import type { SqlQueryable } from '../db/sql-client.js';
import { evidenceRowsStatement, signatureRowsStatement, timestampRowsStatements } from './writes.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Evidence rows are unique by hash: a package already notarized (or twice in one batch) is stored once. */
export async function insertEvidence(
  tx: SqlQueryable,
  evidence: CanonicalEvidence[],
  createdAt: string,
  cipher?: EvidenceCipher,
): Promise<void> {
  const unique = [...new Map(evidence.map((e) => [e.hashHex, e])).values()];
  if (unique.length === 0) return;
  const bodies = await Promise.all(unique.map((e) => bodyValues(cipher, e)));
  const { text, params } = evidenceRowsStatement(unique.map((e, i) => ({ evidence: e, body: bodies[i]!, createdAt, submittedBy: null })));
  await tx.query(text, params);
}

export async function insertWorkflow(tx: SqlQueryable, w: Workflow): Promise<void> {
  // submitted_by only when known: anonymous workflows need nothing of the auth migration
  const by = w.submitted_by ? ([', submitted_by', ', $9', [w.submitted_by]] as const) : (['', '', []] as const);
  await tx.query(
    `INSERT INTO workflows (id, type, status, evidence_hash, created_at, updated_at, completed_at, error_message${by[0]})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8${by[1]})`,
    [w.id, w.type, w.status, w.evidence_package_hash, w.created_at, w.updated_at, w.completed_at, w.error_message, ...by[2]],
  );
}

/** Same rows as a simple notarization's signature, so receipts, pending anchors and timestamps and the anchorer treat it alike. */
export async function insertSignature(tx: SqlQueryable, workflowId: string, signature: StoredSignature): Promise<void> {
  await runAll(tx, [signatureRowsStatement([{ workflowId, signature }], false), ...timestampRowsStatements([{ workflowId, signature }])]);
}

export interface PersistContext {
  tx: SqlQueryable;
  /** the workflow as the transition left it */
  workflow: Workflow;
  at: string;
  /** the signing lease a 'sign' effect takes */
  leaseUntil: string;
  /** where notifications go: the workflow's own URL and/or the global one */
  webhookUrls: string[];
  /** batch items by index: a signed item becomes a workflow of its own */
  items?: Map<number, { item_workflow_id: string; evidence_package_hash: string | null }>;
}

/** Writes the new status and every effect of a transition, inside the caller's transaction. */
export async function persistTransition(ctx: PersistContext, before: Workflow, effects: Effect[]): Promise<void> {
  const { tx, workflow: w } = ctx;
  if (w !== before) {
    await tx.query('UPDATE workflows SET status = $2, error_message = $3, updated_at = $4, completed_at = $5 WHERE id = $1', [
      w.id,
      w.status,
      w.error_message,
      w.updated_at,
      w.completed_at,
    ]);
  }
  for (const effect of effects) await applyEffect(ctx, effect);
}

async function applyEffect(ctx: PersistContext, effect: Effect): Promise<void> {
  const { tx, workflow: w, at } = ctx;
  switch (effect.kind) {
    case 'record_decision': {
      const d = effect.decision;
      await tx.query('INSERT INTO approval_decisions (workflow_id, approver, decision, comment, decided_at) VALUES ($1, $2, $3, $4, $5)', [
        w.id,
        d.approver,
        d.decision,
        d.comment,
        d.decided_at,
      ]);
      return;
    }
    case 'store_approval_signature':
      await insertSignature(tx, w.id, effect.signature);
      await tx.query('UPDATE approval_requests SET attestation = $2 WHERE workflow_id = $1', [w.id, JSON.stringify(effect.attestation)]);
      return;
    case 'store_item_signature':
      return storeItemSignature(ctx, effect.index, effect.signature);
    case 'fail_item':
      await tx.query(
        'UPDATE batch_items SET status = $3, error_code = $4, error_message = $5, error_field = $6 WHERE batch_id = $1 AND idx = $2',
        [w.id, effect.index, 'failed', effect.error.code, effect.error.message, effect.error.field],
      );
      return;
    case 'notify':
      return enqueue(tx, ctx.webhookUrls, w, effect, at);
    case 'sign':
      await tx.query('UPDATE workflow_runs SET lease_until = $2 WHERE workflow_id = $1', [w.id, ctx.leaseUntil]);
      return;
  }
}

async function storeItemSignature(ctx: PersistContext, index: number, signature: StoredSignature): Promise<void> {
  const item = ctx.items?.get(index);
  if (!item?.evidence_package_hash) throw new Error(`batch ${ctx.workflow.id} has no signable item ${index}`);
  const at = signature.signedAt;
  await insertWorkflow(ctx.tx, {
    id: item.item_workflow_id,
    type: 'simple_sign',
    status: 'completed',
    evidence_package_hash: item.evidence_package_hash,
    created_at: at,
    updated_at: at,
    completed_at: at,
    error_message: null,
    submitted_by: ctx.workflow.submitted_by,
  });
  await insertSignature(ctx.tx, item.item_workflow_id, signature);
  await ctx.tx.query("UPDATE batch_items SET status = 'signed' WHERE batch_id = $1 AND idx = $2", [ctx.workflow.id, index]);
}

/** Transactional outbox: the notification commits with the transition, the dispatcher delivers it later. */
async function enqueue(
  tx: SqlQueryable,
  urls: string[],
  w: Workflow,
  effect: Extract<Effect, { kind: 'notify' }>,
  at: string,
): Promise<void> {
  if (urls.length === 0) return;
  const body = JSON.stringify(toNotification(w, effect));
  // the ids (bigserial) follow the order of the URLs: unnest yields its rows in array order
  const { text, params } = unnestInsert(
    'INSERT INTO webhook_outbox (workflow_id, event, url, body, next_attempt_at)',
    ['uuid', 'text', 'text', 'text', 'timestamptz'],
    urls.map((url) => [w.id, effect.event, url, body, at]),
  );
  await tx.query(text, params);
}

/** The workflow as a transition leaves it: the same object when nothing happened (a no-op retry). */
export function advanced(
  before: Workflow,
  next: { status: Workflow['status']; error_message: string | null },
  effects: Effect[],
  at: string,
): Workflow {
  if (next.status === before.status && next.error_message === before.error_message && effects.length === 0) return before;
  const completed_at = TERMINAL.has(next.status) ? (before.completed_at ?? at) : null;
  return { ...before, status: next.status, error_message: next.error_message, updated_at: at, completed_at };
}
