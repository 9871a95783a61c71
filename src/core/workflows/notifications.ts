import { WORKFLOW_TYPE_NAMES, type Workflow } from '../workflow.js';
import type { Effect, WorkflowNotification } from './types.js';

/**
 * The webhook body for a `notify` effect, built from the workflow as the transition left it. Each
 * event happens at most once per workflow, so `${workflow_id}:${event}` is a stable id receivers
 * can deduplicate at-least-once deliveries on.
 */
export function toNotification(workflow: Workflow, effect: Extract<Effect, { kind: 'notify' }>): WorkflowNotification {
  return {
    id: `${workflow.id}:${effect.event}`,
    event: effect.event,
    workflow_id: workflow.id,
    workflow_type: WORKFLOW_TYPE_NAMES[workflow.type],
    status: workflow.status,
    evidence_package_hash: workflow.evidence_package_hash,
    error_message: workflow.error_message,
    occurred_at: workflow.updated_at,
    details: effect.details,
  };
}
