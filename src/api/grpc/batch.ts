import { currentPrincipal } from './call.js';
import { isNotaryError, NotaryError, type ErrorCode } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import type { BatchItemResult, WorkflowService } from '../../core/workflows/index.js';
import { GRPC_STATUS, toRpcStatus, type ErrorContext } from './errors.js';
import { toReceiptMsg, workflowStatusName } from './present.js';
import { idempotencyKeyOf, sizeBound } from './sign.js';
import { toRawPackage } from './evidence.js';
import type { EvidencePackageMsg, SignEvidenceResponseMsg } from './wire.js';

/**
 * SignEvidenceBatch through the workflow service: the batch is stored before anything is signed,
 * so a restart (or the resume loop, if the signer is down) finishes it. A bad package fails alone.
 */
export async function signBatch(
  notary: Notary,
  workflows: WorkflowService,
  pkgs: EvidencePackageMsg[],
  ctx: ErrorContext,
  idempotencyKey?: string,
) {
  const items = pkgs.map((pkg, i) => toBatchItem(notary, pkg, `evidence_packages[${i}]`));
  const view = await workflows.signBatch(
    items.map((item) => item.raw),
    {
      principal: currentPrincipal(),
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
      audit: { door: 'grpc', method: 'SignEvidenceBatch' },
      ...sizeBound(notary),
    },
  );
  const batch = view.batch;
  if (!batch) throw new NotaryError('internal', `batch workflow ${view.id} has no items`);
  return {
    batch_workflow_id: view.id,
    results: batch.results.map((r) => {
      const doorError = items[r.index]?.error;
      return doorError ? failed(toRpcStatus(doorError, ctx)) : { ...toItemMsg(r, ctx), warnings: view.itemWarnings?.[r.index] ?? [] };
    }),
    status: workflowStatusName(view.status),
    succeeded_count: batch.succeeded,
    failed_count: batch.failed,
    pending_count: batch.pending,
    replayed: view.replayed ?? false,
  };
}

interface BatchItem {
  raw: unknown;
  error?: NotaryError;
}

/**
 * A package whose proto does not convert still takes its place in the stored batch, so indexes match
 * the request: it goes in as `null`, which the core fails as unreadable; this call's result says the
 * real reason. Validation and the size bound are the core's (it canonicalizes each package once),
 * which stores their errors as they are.
 */
function toBatchItem(notary: Notary, pkg: EvidencePackageMsg, path: string): BatchItem {
  try {
    return { raw: toRawPackage(pkg, path, notary.limits.maxMetadataDepth) };
  } catch (err) {
    if (!isNotaryError(err)) throw err;
    return { raw: null, error: err };
  }
}

function toItemMsg(r: BatchItemResult, ctx: ErrorContext): SignEvidenceResponseMsg {
  if (r.status === 'signed' && r.workflow_id && r.receipt) {
    return { workflow_id: r.workflow_id, receipt: toReceiptMsg(r.receipt), status: 'WORKFLOW_STATUS_COMPLETED', replayed: false };
  }
  // not signed yet (the signer was unavailable): the notary retries; GetWorkflowStatus follows it
  if (r.status === 'pending') return { workflow_id: '', status: 'WORKFLOW_STATUS_PENDING' };
  const e = r.error ?? { code: 'internal', message: 'internal error', field: null };
  const code: ErrorCode = e.code in GRPC_STATUS ? (e.code as ErrorCode) : 'internal';
  return failed(toRpcStatus(new NotaryError(code, e.message, { field: e.field ?? undefined }), ctx));
}

const failed = (error: SignEvidenceResponseMsg['error']): SignEvidenceResponseMsg => ({
  workflow_id: '',
  status: 'WORKFLOW_STATUS_FAILED',
  error,
});
