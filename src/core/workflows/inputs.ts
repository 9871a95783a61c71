import { NotaryError, invalid } from '../errors.js';
import { storableText } from '../integrity.js';
import { checkWebhookTarget, STRICT_WEBHOOK_POLICY, type WebhookUrlPolicy } from '../webhook-url.js';
import type { ApprovalRequest, Decision } from './types.js';

/** Limits of the workflow inputs, explicit like the evidence limits. */
export interface WorkflowLimits {
  maxBatchSize: number;
  defaultExpiresSeconds: number;
}

export const MAX_APPROVERS = 50;
export const MAX_EXPIRES_SECONDS = 30 * 24 * 3600;
const MAX_NAME = 256;
const MAX_COMMENT = 4096;

export interface ApprovalInput {
  evidencePackage: unknown;
  approvers: string[];
  quorum?: number;
  expiresInSeconds?: number;
  webhookUrl?: string;
  /** the authenticated caller, stored as submitted_by */
  principal?: string;
  /**
   * Makes the request exactly-once: a repeat with the same key answers with the workflow the first
   * created (the same package and approvers, or idempotency_mismatch) instead of a second workflow.
   */
  idempotencyKey?: string;
  /** what the door knows of the request (door, route, request id, client): the audit row's details */
  audit?: Record<string, unknown>;
  /** bound on the package's canonical bytes, for a door that cannot bound it by its body (gRPC) */
  maxCanonicalBytes?: number;
}

export interface BatchOptions {
  webhookUrl?: string;
  principal?: string;
  /** as for approvals: a repeat with the same key answers with the batch the first created */
  idempotencyKey?: string;
  audit?: Record<string, unknown>;
  /** as for approvals, per package: one past it fails alone (payload_too_large) */
  maxCanonicalBytes?: number;
}

export interface DecisionInput {
  approver: string;
  decision: Decision;
  comment?: string | null;
}

/** Every door (REST, gRPC, Pulsar) reaches these checks: the core does not trust a door's schema. */
export function approvalRequest(input: ApprovalInput, now: Date, limits: WorkflowLimits): ApprovalRequest {
  const { approvers } = input;
  if (!Array.isArray(approvers) || approvers.length === 0 || approvers.length > MAX_APPROVERS) {
    throw invalid('approvers', `must list 1 to ${MAX_APPROVERS} approvers`);
  }
  approvers.forEach((a, i) => checkName(a, `approvers[${i}]`));
  if (new Set(approvers).size !== approvers.length) throw invalid('approvers', 'must not repeat an approver');
  const quorum = input.quorum ?? approvers.length;
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > approvers.length)
    throw invalid('quorum', `must be an integer from 1 to ${approvers.length}`);
  const expiresIn = input.expiresInSeconds ?? limits.defaultExpiresSeconds;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS) {
    throw invalid('expires_in', `must be an integer number of seconds from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
  return { approvers: [...approvers], quorum, expires_at: new Date(now.getTime() + expiresIn * 1000).toISOString() };
}

export function checkDecision(input: DecisionInput): void {
  checkName(input.approver, 'approver');
  if (input.decision !== 'approve' && input.decision !== 'reject') throw invalid('decision', 'must be approve or reject');
  if (input.comment != null && (typeof input.comment !== 'string' || input.comment.length > MAX_COMMENT)) {
    throw invalid('comment', `must be a string of at most ${MAX_COMMENT} characters`);
  }
  if (input.comment != null) storableText(input.comment, 'comment', 4 * MAX_COMMENT);
}

/**
 * A per-workflow webhook is only accepted when deliveries can be signed (a secret is configured),
 * and only where the policy lets the notary send requests (https, public addresses: no SSRF).
 */
export function checkWebhookUrl(
  url: string | undefined,
  enabled: boolean,
  policy: WebhookUrlPolicy = STRICT_WEBHOOK_POLICY,
): string | null {
  if (url === undefined) return null;
  if (!enabled) throw invalid('webhook_url', 'webhooks are disabled on this notary (no NOTARY_WEBHOOK_SECRET)');
  checkWebhookTarget(url, policy);
  return url;
}

export function checkBatchSize(count: number, limits: WorkflowLimits): void {
  if (count === 0)
    throw new NotaryError('invalid_request', 'evidence_packages: must hold at least one package', { field: 'evidence_packages' });
  if (count > limits.maxBatchSize) {
    throw new NotaryError('payload_too_large', `evidence_packages: at most ${limits.maxBatchSize} packages per batch, got ${count}`, {
      field: 'evidence_packages',
    });
  }
}

function checkName(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME)
    throw invalid(field, `must be a non-empty string of at most ${MAX_NAME} characters`);
  storableText(value, field);
}
