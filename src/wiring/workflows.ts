import { timeOrderedId } from '../adapters/store/store-calls.js';
import type { Logger } from 'pino';
import { PgWorkflowStore } from '../adapters/store/pg-workflow-store.js';
import type { SqlClient } from '../adapters/db/sql-client.js';
import type { AuditChainWriter } from '../adapters/audit/chain-writer.js';
import { checkResolvable, PgWebhookOutbox, WebhookDispatcher } from '../adapters/webhooks/index.js';
import type { Config } from '../config.js';
import type { EvidenceCipher } from '../ports/evidence-cipher.js';
import type { Notary } from '../core/notary.js';
import { WorkflowService } from '../core/workflows/index.js';
import { WorkflowRunner } from '../workers/workflow-runner.js';

export interface Workflows {
  service: WorkflowService;
  runner: WorkflowRunner;
}

/** Approval and batch workflows: their store, service, webhook dispatcher and background loop. */
export function buildWorkflows(
  config: Config,
  db: SqlClient,
  notary: Notary,
  logger: Logger,
  audit?: AuditChainWriter,
  cipher?: EvidenceCipher,
): Workflows {
  const w = config.workflows;
  const store = new PgWorkflowStore(db, { globalWebhookUrl: w.webhookUrl, audit, cipher });
  const service = new WorkflowService({
    notary,
    store,
    logger,
    clock: { now: () => new Date() },
    ids: { next: () => timeOrderedId() },
    limits: { maxBatchSize: w.maxBatchSize, defaultExpiresSeconds: w.defaultExpiresSeconds },
    webhooksEnabled: w.webhookSecret !== undefined,
    webhookPolicy: config.webhookPolicy,
    checkWebhookTarget: (url) => checkResolvable(url, config.webhookPolicy),
    retryDelayMs: w.pollMs,
  });
  // without a secret no notification is queued (no URL is accepted), so there is nothing to deliver
  const dispatcher =
    w.webhookSecret === undefined
      ? undefined
      : new WebhookDispatcher({
          outbox: new PgWebhookOutbox(db),
          secret: w.webhookSecret,
          logger,
          baseDelayMs: Math.max(w.pollMs, 100),
          policy: config.webhookPolicy,
        });
  return { service, runner: new WorkflowRunner(service, dispatcher, w.pollMs, logger) };
}
