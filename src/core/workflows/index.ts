export { WorkflowService } from './service.js';
export type { WorkflowDeps } from './context.js';
export type { ApprovalInput, BatchOptions, DecisionInput, WorkflowLimits } from './inputs.js';
export { MAX_APPROVERS, MAX_EXPIRES_SECONDS } from './inputs.js';
export { approvalTransition, approvalsOf, type ApprovalEvent } from './approval-machine.js';
export { batchTransition, settle, type BatchEvent } from './batch-machine.js';
export { ATTESTATION_TYPE, attestationPayload, checkApprovalAttestation } from './attestation.js';
export { toNotification } from './notifications.js';
export type * from './types.js';
