import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildRestServer } from './api/rest/server.js';
import { buildGrpcServer, grpcDoorOptions, type GrpcServerHandle } from './api/grpc/index.js';
import { LocalKeyringSigner } from './adapters/signer/local/index.js';
import { createVaultSigner } from './adapters/signer/vault/index.js';
import { createPkcs11Signer } from './adapters/signer/pkcs11/index.js';
import { PgEvidenceStore } from './adapters/store/pg-evidence-store.js';
import { timeOrderedId } from './adapters/store/store-calls.js';
import { openDatabase } from './adapters/db/open-database.js';
import { CommitUnits } from './adapters/db/commit-units.js';
import type { Config } from './config.js';
import { Notary } from './core/notary.js';
import type { KeySigner } from './ports/key-signer.js';
import { anchorerLoop } from './workers/anchorer.js';
import { buildEvidenceCipher } from './wiring/evidence-cipher.js';
import { PgEventLedger, startPulsarConsumer } from './adapters/events/index.js';
import { httpMetricsPlugin } from './observability/http-metrics-plugin.js';
import { instrumentLog, instrumentSigner, instrumentStore, instrumentTimestamper } from './observability/instrument.js';
import { createMetrics, type NotaryMetrics } from './observability/metrics.js';
import { buildMetricsServer } from './observability/metrics-server.js';
import { startTracing, tracingOn } from './observability/tracing.js';
import type { WorkflowService } from './core/workflows/index.js';
import type { WorkflowRunner } from './workers/workflow-runner.js';
import { buildWorkflows } from './wiring/workflows.js';
import { buildSecurity, type Security } from './wiring/security.js';
import { auditAnchorLoop, auditRetentionLoop, logSelfCheckLoop, retentionLoop } from './workers/integrity-loops.js';
import type { AuditPurgeResult } from './adapters/audit/retention.js';
import type { TransparencyLog } from './ports/transparency-log.js';
import type { Periodic } from './workers/periodic.js';
import { SqlAuditLog } from './adapters/audit/index.js';
import { buildTransparency } from './wiring/transparency.js';
import type { SqlClient } from './adapters/db/sql-client.js';
import { startSiemStreams } from './wiring/siem.js';

export const MIGRATIONS_DIR = join(import.meta.dirname, '..', 'migrations');

export interface App {
  notary: Notary;
  /** the database every store and log of this app writes */
  db: SqlClient;
  rest: FastifyInstance;
  /** the gRPC door with its production options (auth, budget, audit, TLS, metrics); main listens on it */
  grpc: GrpcServerHandle;
  store: PgEvidenceStore;
  signer: KeySigner;
  /** the transparency log signatures, audit heads and chain starts are anchored in */
  log: TransparencyLog;
  anchorer: Periodic<number>;
  workflows: WorkflowService;
  workflowRunner: WorkflowRunner;
  metrics: NotaryMetrics;
  /** present when NOTARY_METRICS_PORT is set: serves /metrics apart from the API */
  metricsServer?: FastifyInstance;
  /** authentication, RBAC and audit, for every door */
  security: Security;
  /** signs and anchors the audit chain's head (also on demand: runOnce) */
  auditAnchors: Periodic<unknown>;
  /** the embedded log's self-check loop (absent with Rekor) */
  logSelfCheck?: Periodic<void>;
  /** purges evidence bodies past NOTARY_RETENTION_EVIDENCE_DAYS (absent: kept forever) */
  retention?: Periodic<number>;
  /** purges audit rows past NOTARY_RETENTION_AUDIT_DAYS behind a signed chain start (absent: kept forever) */
  auditRetention?: Periodic<AuditPurgeResult>;
  /** stop intake, drain, close clients; safe to call more than once */
  close(): Promise<void>;
}

/**
 * The composition root: the only place adapters are chosen and wired into the core. `progress`
 * hears each slow step as it begins (main prints it while a first start prepares the database).
 */
export async function buildApp(config: Config, logger: Logger, progress: (step: string) => void = () => undefined): Promise<App> {
  const tracing = startTracing(config.tracing);
  // closed in order: intake first, the database after the drain, telemetry last so the final spans are flushed
  const closers: (() => Promise<void>)[] = [() => tracing.shutdown()];
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    progress('opening the database');
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrationsDir: MIGRATIONS_DIR,
      logger,
      role: `afdp-notary service (REST ${config.httpPort}, gRPC ${config.grpcPort})`,
      minFreeBytes: config.embeddedMinFreeBytes,
    });
    const db = database.db;
    const closeDatabase = () => database.close();
    closers.unshift(closeDatabase);
    progress('loading the signing keys');
    const signer = await buildSigner(config);
    closers.unshift(() => signer.close());
    progress('opening the transparency log and the timestamp authority');
    const { embedded, log, timestamper } = await buildTransparency(config, db, logger);
    const audit = new SqlAuditLog(db, logger);
    // evidence bodies are sealed at rest (issue 22): data keys wrapped by the local KEK, or made and wrapped by Vault transit
    const cipher = await buildEvidenceCipher(config);
    closers.unshift(async () => cipher.close?.());
    const store = new PgEvidenceStore(db, { health: database.health, audit: audit.chain, cipher });
    // the embedded log shares the database: evidence, signature, entry, anchor and audit row commit together
    const colocated = embedded && new CommitUnits(db, embedded, store.anchoredWriter(embedded.url));
    closers.unshift(
      () => log.close(),
      async () => timestamper?.close(),
    );
    const metrics = createMetrics();
    const notary = new Notary({
      signer: instrumentSigner(signer, metrics),
      log: instrumentLog(log, metrics),
      store: instrumentStore(store, metrics),
      timestamper: timestamper && instrumentTimestamper(timestamper, metrics),
      colocated,
      logger,
      limits: config.limits,
      tracer: tracing.tracer,
      clock: { now: () => new Date() },
      ids: { next: () => timeOrderedId() },
    });
    const anchorer = anchorerLoop(notary, config.anchorRetryMs, logger, async () => {
      const backlog = await store.anchorBacklog();
      metrics.anchorQueueDepth.set(backlog.count);
      metrics.anchorOldestPendingSeconds.set(backlog.oldestSeconds);
    });
    const workflows = buildWorkflows(config, db, notary, logger, audit.chain, cipher);
    closers.unshift(() => workflows.runner.stop());
    const security = await buildSecurity(config, db, logger, audit);
    closers.splice(closers.length - 2, 0, () => security.close()); // after intake stops, before the database closes
    const rest = await buildRestServer({
      notary,
      workflows: workflows.service,
      logger,
      embeddedLog: embedded,
      security: security.rest,
      https: security.https,
      requestLogLevel: config.requestLogLevel,
      http: config.http,
      trustProxy: config.trustProxy,
      tracing: tracingOn(config.tracing),
      plugins: [
        async (app) => {
          await app.register(httpMetricsPlugin, { metrics, path: config.metricsPort === undefined ? '/metrics' : false });
        },
      ],
    });
    closers.unshift(
      () => rest.close(),
      async () => anchorer.stop(),
      () => notary.settled(), // the doors are closed: what they started finishes before the store closes
    );
    const grpc = buildGrpcServer({
      ...grpcDoorOptions({
        notary,
        workflows: workflows.service,
        security,
        metrics,
        logger,
        tls: config.tls,
        requestLogLevel: config.requestLogLevel,
      }),
      logger,
    });
    closers.unshift(() => grpc.close(config.shutdownGraceMs)); // first: streams drain while the core still runs
    const metricsServer = config.metricsPort === undefined ? undefined : buildMetricsServer(metrics);
    if (metricsServer) closers.push(() => metricsServer.close()); // last: the final scrape still works while draining
    anchorer.start();
    workflows.runner.start();
    // tamper evidence against a database writer: the log checks itself, the audit chain's head is signed and logged
    const selfCheck = embedded ? logSelfCheckLoop(embedded, config.logSelfCheckIntervalMs, metrics, logger) : undefined;
    const anchoringLog = instrumentLog(log, metrics);
    const auditAnchors = auditAnchorLoop(db, signer, anchoringLog, config.auditAnchorIntervalMs, logger);
    const retention =
      config.retentionEvidenceDays === undefined ? undefined : retentionLoop(db, audit.chain, config.retentionEvidenceDays, logger);
    const auditRetention =
      config.retentionAuditDays === undefined
        ? undefined
        : auditRetentionLoop(db, audit.chain, signer, anchoringLog, config.retentionAuditDays, logger);
    selfCheck?.start();
    auditAnchors.start();
    retention?.start();
    void retention?.runOnce();
    auditRetention?.start();
    void auditRetention?.runOnce();
    closers.unshift(async () => {
      await selfCheck?.stop();
      await auditAnchors.stop();
      await retention?.stop();
      await auditRetention?.stop();
    });
    if (config.siem) {
      const siem = startSiemStreams(config.siem, db, logger);
      closers.splice(closers.indexOf(closeDatabase), 0, () => siem.stop()); // after the audit log flushes, before the database closes
    }
    if (config.pulsar) {
      // pulsar-client is optional: loaded only here, with a clear error when it is not installed
      const consumer = await startPulsarConsumer({
        config: config.pulsar,
        notary,
        requestApproval: workflows.service.requestApproval.bind(workflows.service),
        ledger: new PgEventLedger(db),
        logger,
        onOutcome: (outcome) => metrics.pulsarMessagesTotal.inc({ outcome }),
      });
      closers.unshift(() => consumer.stop(config.shutdownGraceMs));
    }
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= runClosers(closers));
    return {
      notary,
      db,
      rest,
      grpc,
      store,
      signer,
      log: anchoringLog,
      anchorer,
      workflows: workflows.service,
      workflowRunner: workflows.runner,
      metrics,
      metricsServer,
      security,
      auditAnchors,
      logSelfCheck: selfCheck,
      retention,
      auditRetention,
      close,
    };
  } catch (err) {
    await runClosers(closers).catch(() => undefined);
    throw err;
  }
}

async function buildSigner(config: Config): Promise<KeySigner> {
  if (config.vault) return createVaultSigner(config.vault);
  // pkcs11js is optional: loaded only here, with a clear error when it is not installed
  if (config.pkcs11) return createPkcs11Signer(config.pkcs11);
  return new LocalKeyringSigner({
    dir: join(config.dataDir, 'keyring'),
    passphrase: config.keyringPassphrase,
    algorithm: config.signingAlgorithm,
  });
}

async function runClosers(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) await close();
}
