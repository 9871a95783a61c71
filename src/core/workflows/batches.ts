import { sha256Hex } from '../canonical.js';
import { isNotaryError, NotaryError } from '../errors.js';
import type { Workflow } from '../workflow.js';
import type { NewBatchItem } from '../../ports/workflow-store.js';
import { batchTransition, settle } from './batch-machine.js';
import {
  acceptedWebhookUrl,
  creationAudit,
  describeError,
  isPermanent,
  nowIso,
  requestFingerprint,
  retryLater,
  type WorkflowDeps,
} from './context.js';
import { loadEvidence } from './evidence.js';
import { checkBatchSize, type BatchOptions } from './inputs.js';
import type { BatchItemState, ItemError } from './types.js';

/** Packages signed at once per batch: enough to fill the store's group commits, few enough to share the signer. */
const CONCURRENCY = 8;

/**
 * Persists the batch and its items first (so a restart finishes it), then signs every valid item.
 * A package that fails validation fails alone. Returns the batch id and each item's warnings; under an idempotency key
 * already used for the same request, the earlier batch's (replayed), which is not run again here.
 */
export async function createAndRunBatch(
  deps: WorkflowDeps,
  packages: unknown[],
  options: BatchOptions,
): Promise<{ id: string; replayed: boolean; itemWarnings: string[][] }> {
  checkBatchSize(packages.length, deps.limits);
  const url = await acceptedWebhookUrl(deps, options.webhookUrl);
  const items = packages.map((raw, index) => prepareItem(deps, raw, index, options.maxCanonicalBytes));
  const at = deps.clock.now().toISOString();
  const initial = settle({ status: 'running', error_message: null, items: items.map(toItemState) });
  const workflow: Workflow = {
    id: deps.ids.next(),
    type: 'batch_sign',
    status: initial.state.status,
    evidence_package_hash: null,
    created_at: at,
    updated_at: at,
    completed_at: initial.state.status === 'running' ? null : at,
    error_message: initial.state.error_message,
    ...(options.principal !== undefined && { submitted_by: options.principal }),
  };
  // an item that failed validation is fingerprinted by its JSON as sent: a repeat must send it again
  const fingerprints = items.map((item, i) => item.evidence?.hashHex ?? `invalid:${sha256Hex(JSON.stringify(packages[i]) ?? 'undefined')}`);
  const requestHash = requestFingerprint({ type: 'batch_sign', items: fingerprints, webhook_url: url });
  const audit = creationAudit('evidence.batch_created', options, {
    batch_id: workflow.id,
    items: items.length,
    evidence_package_hashes: items.map((i) => i.evidence?.hashHex ?? null),
  });
  const itemWarnings = items.map((i) => i.evidence?.warnings ?? []);
  const kept = await deps.store.createBatch(
    { workflow, items, webhookUrl: url, idempotencyKey: options.idempotencyKey, requestHash, audit },
    initial.effects,
  );
  if (!kept.created) {
    if (kept.requestHash !== requestHash)
      throw new NotaryError('idempotency_mismatch', `idempotency key already used by workflow ${kept.id} for another request`);
    return { id: kept.id, replayed: true, itemWarnings };
  }
  await runBatch(deps, workflow.id);
  return { id: workflow.id, replayed: false, itemWarnings };
}

/** Signs the pending items of a batch whose lease the caller holds; retryable failures leave them for a later round. */
export async function runBatch(deps: WorkflowDeps, batchId: string): Promise<void> {
  const record = await deps.store.getBatch(batchId);
  if (!record || record.workflow.status !== 'running') return;
  const pending = record.state.items.filter((i) => i.status === 'pending');
  let deferred: unknown;
  await forEachLimited(pending, CONCURRENCY, async (item) => {
    try {
      await signItem(deps, batchId, item);
    } catch (err) {
      if (!isPermanent(err)) {
        deferred ??= err;
        return;
      }
      await deps.store.updateBatch(batchId, nowIso(deps), (s) =>
        batchTransition(s, { type: 'item_failed', index: item.index, error: itemError(err) }),
      );
    }
  });
  if (deferred !== undefined) await retryLater(deps, batchId, deferred);
}

async function signItem(deps: WorkflowDeps, batchId: string, item: BatchItemState): Promise<void> {
  const evidence = await loadEvidence(deps.store, item.evidence_package_hash!);
  await deps.notary.signForWorkflow(item.item_workflow_id, evidence, async (signature) => {
    const event = { type: 'item_signed', index: item.index, signature } as const;
    const result = await deps.store.updateBatch(batchId, signature.signedAt, (s) => batchTransition(s, event));
    return result !== undefined && result.refusal === undefined;
  });
}

function prepareItem(deps: WorkflowDeps, raw: unknown, index: number, maxCanonicalBytes: number | undefined): NewBatchItem {
  const itemWorkflowId = deps.ids.next();
  try {
    return { index, itemWorkflowId, evidence: deps.notary.prepare(raw, `evidence_packages[${index}]`, { maxCanonicalBytes }), error: null };
  } catch (err) {
    if (!isNotaryError(err)) throw err;
    return { index, itemWorkflowId, evidence: null, error: itemError(err) };
  }
}

const toItemState = (i: NewBatchItem): BatchItemState => ({
  index: i.index,
  item_workflow_id: i.itemWorkflowId,
  evidence_package_hash: i.evidence?.hashHex ?? null,
  status: i.error ? 'failed' : 'pending',
  error: i.error,
});

function itemError(err: unknown): ItemError {
  const code = isNotaryError(err) ? err.code : 'internal';
  // like a 500 problem: internals (driver messages, hosts) are not handed to callers
  const message = code === 'internal' ? 'internal error' : describeError(err);
  return { code, message, field: isNotaryError(err) ? (err.field ?? null) : null };
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
