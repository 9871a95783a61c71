import type { EvidencePackage } from '../../core/evidence.js';
import type { Receipt } from '../../core/receipt.js';

/**
 * AFDP's Pulsar wire format (the Rust notary's `pulsar/messages.rs`, serde JSON): externally tagged
 * enums (`{"model_deployment": {...}}`, `{"custom": "name"}`), snake_case variant names.
 */
export type EventPriority = 'low' | 'normal' | 'high' | 'critical';
export type WorkflowKind = 'simple_sign' | 'approval_sign' | 'batch_sign';

/** The event_type variant, decoded: which one, and its own fields (signed under metadata.pipeline_event). */
export type EventVariant =
  | { kind: 'model_deployment' | 'data_pipeline' | 'inference' | 'compliance'; details: Record<string, unknown> }
  | { kind: 'custom'; name: string };

export interface PipelineActor {
  /** AFDP's documents say `actor_type`, its Rust serde says `type`: we read both and write `actor_type` */
  actor_type: string;
  id: string;
  auth_provider?: string;
}

export interface PipelineArtifact {
  name: string;
  uri?: string;
  hash_sha256: string;
}

/** A decoded, shape-checked PipelineEvent. */
export interface PipelineEvent {
  event_id: string;
  event_type: EventVariant;
  timestamp: string;
  source: string;
  actor: PipelineActor;
  artifacts: PipelineArtifact[];
  metadata: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
  priority: EventPriority;
  /** a `{"custom": name}` workflow type is kept as `custom:<name>` so it can be refused by name */
  workflow_type: WorkflowKind | `custom:${string}`;
  /** our extension for batch_sign: the packages of the batch, signed as given */
  evidence_packages?: unknown[];
  /** approval_sign only: who must approve, from workflow_config */
  approval?: ApprovalConfig;
}

/** workflow_config of an approval_sign event: AFDP's `approvers` and `timeout`, plus our `quorum`. */
export interface ApprovalConfig {
  approvers: string[];
  /** approvals needed; absent: every approver (AFDP has no quorum) */
  quorum?: number;
  /** AFDP's `timeout` in seconds: the approval expires after it; absent: the notary's default */
  timeoutSeconds?: number;
}

/** Published to the results topic: AFDP's NotaryResult with our full, verifiable receipt. */
export interface NotaryResultMessage {
  event_id: string;
  workflow_id: string;
  workflow_type: WorkflowKind;
  timestamp: string;
  success: boolean;
  error: string | null;
  receipt: Receipt | null;
  processing_duration_ms: number;
  trace_id: string | null;
  metadata: Record<string, unknown>;
}

export type StatusUpdate =
  'received' | 'started' | 'pending_approval' | 'processing' | 'waiting' | 'completed' | 'failed' | 'cancelled' | 'timeout';

export interface NotaryStatusMessage {
  event_id: string;
  /**
   * A string, as AFDP's consumers parse it: empty when the event has no single workflow (batch_sign:
   * each item's NotaryResult names its own; an event refused before any workflow existed)
   */
  workflow_id: string;
  status: StatusUpdate;
  timestamp: string;
  message: string;
  progress: { current_step: string; total_steps: number; completed_steps: number; percentage: number; eta_seconds: number | null } | null;
  trace_id: string | null;
}

export type ErrorType =
  | 'validation'
  | 'authentication'
  | 'workflow'
  | 'signing'
  | 'transparency'
  | 'network'
  | 'configuration'
  | 'internal'
  | 'timeout'
  | 'resource';

export interface NotaryErrorMessage {
  /** empty only when the message could not be decoded far enough to read one (and had no event_id property) */
  event_id: string;
  workflow_id: string | null;
  timestamp: string;
  error_type: ErrorType;
  message: string;
  /** always holds `code` (our stable error code) and, for input errors, `field` */
  details: Record<string, unknown>;
  /** never filled: stack traces stay in our logs */
  stack_trace: null;
  retry_count: number;
  trace_id: string | null;
}

/**
 * Message properties carry enum values as AFDP's producer writes them (Rust `{:?}`: `Completed`,
 * `PendingApproval`, `Validation`); the JSON bodies keep serde's snake_case (`completed`).
 */
export const propertyValue = (snake: string): string => snake.replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase());

/** The `message_type` property AFDP's producer sets on each kind of outgoing message. */
export const MESSAGE_TYPE = { results: 'notary_result', status: 'notary_status', errors: 'notary_error' } as const;

export type OutTopic = keyof typeof MESSAGE_TYPE;

/** One message to publish, as the decision module describes it and the ledger keeps it. */
export interface Publication {
  topic: OutTopic;
  payload: NotaryResultMessage | NotaryStatusMessage | NotaryErrorMessage;
  properties: Record<string, string>;
}

export type { EvidencePackage };
