import { Writable } from 'node:stream';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { seededDataDir, tempDir } from './databases.js';

export interface TestApp extends App {
  config: Config;
  /** every log line the app wrote, for assertions (e.g. no secrets) */
  logLines: string[];
}

/**
 * The real app, in-process, on a fresh data dir (its own embedded PostgreSQL, its cluster copied
 * from the run's template) unless env says otherwise.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    NOTARY_DATA_DIR: env.NOTARY_DATA_DIR ?? (env.DATABASE_URL ? tempDir() : seededDataDir()),
    NOTARY_HTTP_PORT: '0',
    LOG_LEVEL: 'debug',
    NOTARY_ANCHOR_RETRY_MS: '100',
    ...env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp(config, createLogger(config.logLevel, sink, 'json', config.logRedact));
  return Object.assign(app, { config, logLines });
}
