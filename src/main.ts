import { buildApp } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger, resolveLogFormat } from './observability/logger.js';
import { tracingOn } from './observability/tracing.js';
import { readyReport, startupProgress } from './wiring/startup-report.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, resolveLogFormat(config.logFormat), config.logRedact, tracingOn(config.tracing));
  logger.info({ config: describeConfig(config), node: process.version }, `starting AFDP notary on Node ${process.version}`);
  const progress = startupProgress(logger, config);
  const app = await buildApp(config, logger, progress.step);
  // handlers before the ports open: a SIGTERM right after /ready first answers still drains
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return; // each signal is handled once
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown grace period exceeded: forcing exit');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  progress.step('opening the REST and gRPC ports');
  await app.rest.listen({ host: config.host, port: config.httpPort });
  if (app.metricsServer) await app.metricsServer.listen({ host: config.host, port: config.metricsPort });
  const grpcPort = await app.grpc.listen({ host: config.host, port: config.grpcPort });
  progress.done();
  const ready = readyReport(
    config,
    { http: portOf(app.rest), grpc: grpcPort, metrics: app.metricsServer ? portOf(app.metricsServer) : undefined },
    progress.elapsedMs(),
  );
  logger.info({ startup: ready.fields }, ready.message);
}

function portOf(server: { server: { address(): unknown } }): number {
  const address = server.server.address();
  return typeof address === 'object' && address !== null ? (address as { port: number }).port : 0;
}

main().catch((err) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
