/**
 * What a person starting the service reads: which step start-up is in while it takes a while (a
 * first start creates the database), then one line saying where the service answers and what it
 * runs on. Both are ordinary log lines: human text at a terminal, JSON with the same facts
 * otherwise.
 */
import { readdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { describeConfig, type Config } from '../config.js';

export interface StartupProgress {
  /** start-up entered this step (e.g. "applying database migrations") */
  step(what: string): void;
  /** start-up finished or failed: no more progress lines */
  done(): void;
  readonly elapsedMs: () => number;
}

/** Nothing under the data folder yet and no external database: the embedded database is created now. */
export function isFirstStart(config: Pick<Config, 'dataDir' | 'databaseUrl'>): boolean {
  if (config.databaseUrl) return false;
  try {
    return readdirSync(config.dataDir).length === 0;
  } catch {
    return true;
  }
}

/**
 * On a first start every step is logged as it begins; on any start a step still running after
 * `intervalMs` is logged again with the time spent so far, so a slow start is never silent.
 */
export function startupProgress(logger: Logger, config: Config, intervalMs = 3000): StartupProgress {
  const started = Date.now();
  const elapsedMs = () => Date.now() - started;
  const first = isFirstStart(config);
  let current = 'reading the configuration';
  if (first)
    logger.info(
      { startup: { data_dir: config.dataDir } },
      `first start: creating the database and keys under ${config.dataDir} (this can take a minute)`,
    );
  const timer = setInterval(() => {
    const seconds = Math.round(elapsedMs() / 1000);
    logger.info({ startup: { step: current, elapsed_s: seconds } }, `still starting: ${current} (${seconds} s)`);
  }, intervalMs);
  timer.unref();
  return {
    step(what) {
      current = what;
      if (first) logger.info({ startup: { step: what } }, `${what} …`);
    },
    done: () => clearInterval(timer),
    elapsedMs,
  };
}

export interface BoundPorts {
  http: number;
  grpc: number;
  /** NOTARY_METRICS_PORT's bound port; undefined: /metrics is on the REST port */
  metrics?: number;
}

/** The start-up line: addresses, store, signer, log, auth mode (and Pulsar when on), as text and as fields. */
export function readyReport(
  config: Config,
  ports: BoundPorts,
  elapsedMs: number,
): { message: string; fields: Record<string, string | number> } {
  const d = describeConfig(config);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const fields: Record<string, string | number> = {
    rest: `${config.tls ? 'https' : 'http'}://${host}:${ports.http}`,
    grpc: `${host}:${ports.grpc}${config.tls ? ' (TLS)' : ''}`,
    metrics: ports.metrics === undefined ? '/metrics on the REST port' : `http://${host}:${ports.metrics}/metrics`,
    store: String(d.store),
    signer: config.vault ? String(d.signer) : `local keyring in ${config.dataDir}`,
    log: config.rekor ? String(d.log) : 'embedded RFC 6962 log',
    auth: config.auth.mode === 'off' ? 'off' : `required (${authMethods(config).join(', ')})`,
    startup_ms: elapsedMs,
  };
  if (config.pulsar) fields.pulsar = String(d.pulsar);
  const message =
    `AFDP notary ready in ${(elapsedMs / 1000).toFixed(1)} s: REST ${fields.rest} · gRPC ${fields.grpc} · ` +
    `store: ${fields.store} · signer: ${fields.signer} · log: ${fields.log} · auth: ${fields.auth}` +
    (config.pulsar ? ` · pulsar: ${fields.pulsar}` : '');
  return { message, fields };
}

function authMethods(config: Config): string[] {
  const methods = ['API keys'];
  if (config.auth.oidc) methods.push(`OIDC ${config.auth.oidc.issuer}`);
  if (Object.keys(config.auth.mtlsSubjectRoles).length > 0) methods.push('mTLS');
  if (config.adminToken) methods.push('admin token');
  return methods;
}
