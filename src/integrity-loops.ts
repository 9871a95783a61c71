import type { Logger } from 'pino';
import { anchorAuditHead } from './adapters/audit/head-anchors.js';
import type { SqlClient } from './adapters/store/sql-client.js';
import type { AuditChainWriter } from './adapters/audit/chain-writer.js';
import { purgeExpiredBodies } from './adapters/store/evidence-retention.js';
import type { EmbeddedLog } from './adapters/translog/embedded/index.js';
import type { NotaryMetrics } from './observability/metrics.js';
import { Periodic } from './periodic.js';
import type { KeySigner } from './ports/key-signer.js';
import type { TransparencyLog } from './ports/transparency-log.js';

/**
 * The embedded log's self-check, repeated: the gauge notary_log_integrity_ok follows it (alert
 * TransparencyLogIntegrity), and the first failure is logged at error level with its reason.
 */
export function logSelfCheckLoop(log: EmbeddedLog, intervalMs: number, metrics: NotaryMetrics, logger: Logger): Periodic<void> {
  let reported: string | undefined;
  const report = () => {
    const failure = log.integrityFailure;
    metrics.logIntegrityOk.set(failure === undefined ? 1 : 0);
    if (failure !== undefined && failure !== reported) {
      logger.error({ reason: failure }, `!!! the embedded transparency log failed its integrity check: signing stopped, /ready answers 503 (${failure}) !!!`);
    } else if (failure === undefined && reported !== undefined) logger.warn('the embedded transparency log passes its integrity check again: signing resumes');
    reported = failure;
  };
  report(); // the check at open
  return new Periodic('log self-check', intervalMs, async () => { await log.selfCheck(); report(); }, logger);
}

/** Signs the audit chain's head with the notary's key and anchors it in the transparency log, when it moved. */
export function auditAnchorLoop(db: SqlClient, signer: KeySigner, log: TransparencyLog, intervalMs: number, logger: Logger): Periodic<unknown> {
  return new Periodic('audit head anchoring', intervalMs, () => anchorAuditHead(db, signer, log), logger);
}

const DAY_MS = 86_400_000;

/** Purges evidence bodies past NOTARY_RETENTION_EVIDENCE_DAYS, hourly (and on demand: runOnce). */
export function retentionLoop(db: SqlClient, audit: AuditChainWriter, days: number, logger: Logger, now: () => Date = () => new Date()): Periodic<number> {
  return new Periodic('evidence retention', 3_600_000, async () => {
    const purged = await purgeExpiredBodies(db, audit, new Date(now().getTime() - days * DAY_MS), days);
    if (purged > 0) logger.info({ purged, retention_days: days }, 'evidence bodies past retention purged');
    return purged;
  }, logger);
}
