import { NotaryError } from '../../core/errors.js';
import type { Receipt } from '../../core/receipt.js';
import type { ValidationReport } from '../../core/validate-receipt.js';
import type { Workflow } from '../../core/workflow.js';
import type { ApprovalStatus } from '../../core/workflows/index.js';
import { isoToTimestamp, timestampToRfc3339 } from './struct.js';
import type { Int64, NotarizationReceiptMsg } from './wire.js';

export const workflowStatusName = (s: Workflow['status']) => `WORKFLOW_STATUS_${s.toUpperCase()}`;

/** One approver's line → AFDP's ApprovalStatus (no timestamp while pending; "" for no comment). */
export const toApprovalStatusMsg = (s: ApprovalStatus) => ({
  approver: s.approver,
  status: `APPROVAL_STATE_${s.status.toUpperCase()}`,
  timestamp: isoToTimestamp(s.timestamp),
  comment: s.comment ?? '',
});

/** Core receipt → NotarizationReceipt: AFDP's seven fields first, then ours (0/"" while pending). */
export function toReceiptMsg(r: Receipt): NotarizationReceiptMsg {
  const p = r.inclusion_proof;
  return {
    evidence_package_hash: r.evidence_package_hash,
    rekor_log_id: r.rekor_log_id ?? '',
    rekor_server_url: r.rekor_server_url ?? '',
    signature_b64: r.signature_b64,
    public_key_b64: r.public_key_b64,
    integrated_time: String(r.integrated_time ?? 0),
    log_index: String(r.log_index ?? 0),
    workflow_id: r.workflow_id,
    key_id: r.key_id,
    key_version: r.key_version,
    signed_at: isoToTimestamp(r.signed_at),
    anchoring: r.anchoring === 'anchored' ? 'ANCHORING_STATE_ANCHORED' : 'ANCHORING_STATE_PENDING',
    rekor_entry_uuid: r.rekor_entry_uuid ?? '',
    inclusion_proof: p
      ? { log_index: String(p.logIndex), root_hash: p.rootHash, tree_size: String(p.treeSize), hashes: p.hashes, checkpoint: p.checkpoint }
      : undefined,
    signed_entry_timestamp: r.signed_entry_timestamp ?? '',
    rekor_entry_body: r.rekor_entry_body ?? '',
    bundle_json: r.bundle ? JSON.stringify(r.bundle) : '',
    transparency_log_id: r.transparency_log_id ?? '',
    rfc3161_timestamp: r.rfc3161_timestamp ?? '',
    timestamped_at: isoToTimestamp(r.timestamped_at),
  };
}

/**
 * NotarizationReceipt → the receipt JSON the core validates (the REST shape). A receipt from an
 * AFDP client (no `anchoring`) is taken as it is; the core then says what is missing.
 */
export function fromReceiptMsg(m: NotarizationReceiptMsg, path = 'receipt'): Record<string, unknown> {
  const pending = m.anchoring === 'ANCHORING_STATE_PENDING';
  const orNull = (v: string | undefined) => (pending || !v ? null : v);
  const p = m.inclusion_proof;
  const receipt: Record<string, unknown> = {
    workflow_id: m.workflow_id ?? '',
    evidence_package_hash: m.evidence_package_hash ?? '',
    signature_b64: m.signature_b64 ?? '',
    public_key_b64: m.public_key_b64 ?? '',
    key_id: m.key_id ?? '',
    key_version: m.key_version || undefined,
    signed_at: m.signed_at ? timestampToRfc3339(m.signed_at, `${path}.signed_at`) : undefined,
    anchoring: pending ? 'pending' : m.anchoring === 'ANCHORING_STATE_ANCHORED' ? 'anchored' : undefined,
    rekor_log_id: orNull(m.rekor_log_id),
    rekor_server_url: orNull(m.rekor_server_url),
    rekor_entry_uuid: orNull(m.rekor_entry_uuid),
    transparency_log_id: orNull(m.transparency_log_id),
    // 0 is proto3's unset: pending, or a Rekor v2 entry (no integrated time)
    integrated_time: pending ? null : int(m.integrated_time, `${path}.integrated_time`) || null,
    log_index: pending ? null : int(m.log_index, `${path}.log_index`),
    inclusion_proof:
      pending || !p
        ? null
        : {
            logIndex: int(p.log_index, `${path}.inclusion_proof.log_index`),
            rootHash: p.root_hash ?? '',
            treeSize: int(p.tree_size, `${path}.inclusion_proof.tree_size`),
            hashes: p.hashes ?? [],
            checkpoint: p.checkpoint ?? '',
          },
    signed_entry_timestamp: orNull(m.signed_entry_timestamp),
    rekor_entry_body: orNull(m.rekor_entry_body),
    rfc3161_timestamp: m.rfc3161_timestamp || null,
    timestamped_at: m.timestamped_at ? timestampToRfc3339(m.timestamped_at, `${path}.timestamped_at`) : null,
  };
  // no bundle_json: a receipt from before bundles (or from AFDP); the field stays absent
  if (pending) receipt.bundle = null;
  else if (m.bundle_json) receipt.bundle = parseBundle(m.bundle_json, `${path}.bundle_json`);
  return receipt;
}

/** int64 as decimal string → number; beyond 2^53 it could not be the value we issued. */
function int(v: Int64 | undefined, field: string): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n)) throw new NotaryError('invalid_request', `${field}: out of range`, { field });
  return n;
}

function parseBundle(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NotaryError('invalid_request', `${field}: not JSON`, { field });
  }
}

export const toValidationMsg = (r: ValidationReport) => ({
  is_valid: r.is_valid,
  validation_error: r.validation_error ?? '',
  validation_result: r.validation_result,
});

export function toWorkflowTimes(w: Workflow) {
  return {
    created_at: isoToTimestamp(w.created_at),
    updated_at: isoToTimestamp(w.updated_at),
    completed_at: isoToTimestamp(w.completed_at),
  };
}
