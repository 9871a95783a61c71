import type { Clock, IdGenerator, Logger } from '../../ports/clock.js';
import type { WorkflowStore } from '../../ports/workflow-store.js';
import { isNotaryError } from '../errors.js';
import type { Notary } from '../notary.js';
import type { WorkflowLimits } from './inputs.js';

export interface WorkflowDeps {
  notary: Notary;
  store: WorkflowStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  limits: WorkflowLimits;
  /** per-workflow webhook URLs are accepted only when deliveries can be signed */
  webhooksEnabled: boolean;
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
  await deps.store.releaseLease(id, retryAt, describeError(err)).catch((e) => deps.logger.warn({ err: e, workflowId: id }, 'could not release lease; it expires on its own'));
}
