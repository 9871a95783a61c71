import type { Logger } from 'pino';
import { anchorAuditHead } from '../adapters/audit/head-anchors.js';
import type { SqlClient } from '../adapters/db/sql-client.js';
import type { AuditChainWriter } from '../adapters/audit/chain-writer.js';
import { purgeExpiredBodies } from '../adapters/store/evidence-retention.js';
import { purgeExpiredAuditRows, type AuditPurgeResult } from '../adapters/audit/retention.js';
import type { EmbeddedLog } from '../adapters/translog/embedded/index.js';
import type { NotaryMetrics } from '../observability/metrics.js';
import { Periodic } from './periodic.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { TransparencyLog } from '../ports/transparency-log.js';

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
      logger.error(
        { reason: failure },
        `!!! the embedded transparency log failed its integrity check: signing stopped, /ready answers 503 (${failure}) !!!`,
      );
    } else if (failure === undefined && reported !== undefined)
      logger.warn('the embedded transparency log passes its integrity check again: signing resumes');
    reported = failure;
  };
  report(); // the check at open
  return new Periodic(
    'log self-check',
    intervalMs,
    async () => {
      await log.selfCheck();
      report();
    },
    logger,
  );
}

/** Signs the audit chain's head with the notary's key and anchors it in the transparency log, when it moved. */
export function auditAnchorLoop(
  db: SqlClient,
  signer: KeySigner,
  log: TransparencyLog,
  intervalMs: number,
  logger: Logger,
): Periodic<unknown> {
  return new Periodic('audit head anchoring', intervalMs, () => anchorAuditHead(db, signer, log), logger);
}

const DAY_MS = 86_400_000;

/** Purges evidence bodies past NOTARY_RETENTION_EVIDENCE_DAYS, hourly (and on demand: runOnce). */
export function retentionLoop(
  db: SqlClient,
  audit: AuditChainWriter,
  days: number,
  logger: Logger,
  now: () => Date = () => new Date(),
): Periodic<number> {
  return new Periodic(
    'evidence retention',
    3_600_000,
    async () => {
      const purged = await purgeExpiredBodies(db, audit, new Date(now().getTime() - days * DAY_MS), days);
      if (purged > 0) logger.info({ purged, retention_days: days }, 'evidence bodies past retention purged');
      return purged;
    },
    logger,
  );
}

/**
 * Purges audit rows past NOTARY_RETENTION_AUDIT_DAYS daily (and on demand: runOnce), behind a new
 * signed, anchored chain start. Daily rather than hourly: each purge adds a start, an audit row and
 * a log entry, and retention is counted in years.
 */
export function auditRetentionLoop(
  db: SqlClient,
  audit: AuditChainWriter,
  signer: KeySigner,
  log: TransparencyLog,
  days: number,
  logger: Logger,
  now: () => Date = () => new Date(),
): Periodic<AuditPurgeResult> {
  return new Periodic(
    'audit retention',
    DAY_MS,
    async () => {
      const at = now();
      const result = await purgeExpiredAuditRows(db, audit, signer, log, {
        cutoff: new Date(at.getTime() - days * DAY_MS),
        retentionDays: days,
        now: at,
      }).catch((err: unknown) => {
        // a chain that does not verify is never purged: say so loudly, `audit verify` tells where
        if ((err as { code?: string }).code === 'audit_chain_broken')
          logger.error({ err }, 'audit rows past retention not purged: the audit chain does not verify');
        throw err;
      });
      if (result.deleted > 0)
        logger.info({ deleted: result.deleted, first_seq: result.firstSeq, retention_days: days }, 'audit rows past retention purged');
      if (result.heldBackBy.length > 0)
        logger.warn(
          { sinks: result.heldBackBy },
          'audit retention held back: a SIEM destination has not received older events (delete the cursor of a destination no longer used)',
        );
      return result;
    },
    logger,
  );
}
