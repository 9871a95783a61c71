import { startGrpcServer } from './api/grpc/index.js';
import { buildApp } from './app.js';
import { grpcDoorOptions } from './wire-grpc.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger, resolveLogFormat } from './logger.js';

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
  const logger = createLogger(config.logLevel, undefined, resolveLogFormat(config.logFormat));
  logger.info({ config: describeConfig(config) }, 'starting AFDP notary');
  const app = await buildApp(config, logger);
  await app.rest.listen({ host: config.host, port: config.httpPort });
  if (app.metricsServer) await app.metricsServer.listen({ host: config.host, port: config.metricsPort });
  const grpc = await startGrpcServer({ ...grpcDoorOptions(app, config, logger), logger, port: config.grpcPort });

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
    grpc.close(config.shutdownGraceMs).then(() => app.close()).then(
      () => { logger.info('stopped'); process.exit(0); },
      (err) => { logger.error({ err }, 'error while stopping'); process.exit(1); },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
