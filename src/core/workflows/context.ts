import type { Clock, IdGenerator, Logger } from '../../ports/clock.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { WorkflowStore } from '../../ports/workflow-store.js';
import { canonicalBytes, sha256Hex } from '../canonical.js';
import { isNotaryError } from '../errors.js';
import type { Notary } from '../notary.js';
import type { WebhookUrlPolicy } from '../webhook-url.js';
import { checkWebhookUrl, type WorkflowLimits } from './inputs.js';

export interface WorkflowDeps {
  notary: Notary;
  store: WorkflowStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  limits: WorkflowLimits;
  /** per-workflow webhook URLs are accepted only when deliveries can be signed */
  webhooksEnabled: boolean;
  /** where webhooks may go (default: https to public addresses) */
  webhookPolicy?: WebhookUrlPolicy;
  /** resolves a webhook URL's host and refuses it when it names a private address (DNS is outside the core) */
  checkWebhookTarget?: (url: string) => Promise<void>;
  /** after a retryable signing failure the workflow is retried no sooner than this */
  retryDelayMs: number;
}

export const nowIso = (deps: WorkflowDeps): string => deps.clock.now().toISOString();

/** A signer or store that cannot answer now is retried later; a refusal that will not change is final. */
export const isPermanent = (err: unknown): boolean => isNotaryError(err) && !err.retryable && err.code !== 'internal';

export const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Gives the signing lease back after a retryable failure, so a later round (here or on another replica) retries. */
export async function retryLater(deps: WorkflowDeps, id: string, err: unknown): Promise<void> {
  deps.logger.warn({ err, workflowId: id }, 'workflow signing deferred: will retry');
  const retryAt = new Date(deps.clock.now().getTime() + deps.retryDelayMs).toISOString();
  await deps.store
    .releaseLease(id, retryAt, describeError(err))
    .catch((e) => deps.logger.warn({ err: e, workflowId: id }, 'could not release lease; it expires on its own'));
}

/** The webhook URL a new workflow may store: its syntax and literal address here, its host's addresses through the adapter. */
export async function acceptedWebhookUrl(deps: WorkflowDeps, url: string | undefined): Promise<string | null> {
  const accepted = checkWebhookUrl(url, deps.webhooksEnabled, deps.webhookPolicy);
  if (accepted !== null) await deps.checkWebhookTarget?.(accepted);
  return accepted;
}

/** SHA-256 of a request's canonical form: what a repeat under the same idempotency key must match. */
export const requestFingerprint = (request: Record<string, unknown>): string => sha256Hex(canonicalBytes(request));

/** The audit row a workflow's creation commits with it. */
export function creationAudit(
  event: string,
  input: { principal?: string; audit?: Record<string, unknown> },
  details: Record<string, unknown>,
): AuditEntry {
  return { event, outcome: 'success', principal: input.principal ?? null, details: { ...input.audit, ...details } };
}
