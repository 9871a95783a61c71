import type { WorkflowView } from '../../core/workflows/index.js';
import { presentWorkflow } from './present.js';

/** AFDP's workflow shape plus what approval and batch workflows add (absent fields stay absent). */
export function presentView(v: WorkflowView) {
  return {
    ...presentWorkflow(v),
    ...(v.approval_statuses && { approval_statuses: v.approval_statuses, quorum: v.quorum, expires_at: v.expires_at }),
    ...(v.receipt && { receipt: v.receipt }),
    ...(v.batch && { batch: v.batch }),
  };
}
