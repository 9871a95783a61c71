/**
 * Tier 3: the TransparencyLog port over Rekor v1. Every answer is verified offline (body, SET,
 * inclusion, checkpoint) before it is returned: a log we cannot verify is not an anchor.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { NotaryError } from '../../../core/errors.js';
import { describeFailures, entryIsValid, logIdFromPublicKey, verifyCheckpoint, verifyLogEntry } from '../../../core/transparency/index.js';
import type { AnchorRequest, LogEntry, LogInfo, TransparencyLog } from '../../../ports/transparency-log.js';
import { RekorClient } from './client.js';
import { guard } from '../../http/guard.js';
import { HttpClient } from '../../http/http-client.js';
import { toLogEntry } from './to-log-entry.js';

export { toLogEntry };

export interface RekorLogOptions {
  url: string;
  /** Pinned log key. If absent it is fetched once (trust on first use) and logged. */
  publicKeyPem?: string;
  timeoutMs?: number;
  retries?: number;
  fetch?: typeof fetch;
  retryBaseDelayMs?: number;
  logger?: { info(obj: object, msg: string): void };
}

interface LogKey {
  key: KeyObject;
  pem: string;
  logID: string;
}

export class RekorLog implements TransparencyLog {
  readonly backend = 'rekor';
  private readonly client: RekorClient;
  private keyPromise?: Promise<LogKey>;

  constructor(private readonly options: RekorLogOptions) {
    const { url, timeoutMs, retries, retryBaseDelayMs } = options;
    this.client = new RekorClient(new HttpClient({ baseUrl: url, timeoutMs, retries, retryBaseDelayMs, fetch: options.fetch }));
    if (options.publicKeyPem) this.keyPromise = Promise.resolve(toLogKey(options.publicKeyPem));
  }

  async append(request: AnchorRequest): Promise<LogEntry> {
    const key = await this.logKey();
    const { uuid, entry: json } = await guard('anchor in Rekor', () => this.client.createEntry(request));
    let entry: LogEntry;
    try {
      entry = toLogEntry(uuid, json);
    } catch (err) {
      throw new NotaryError('internal', `Rekor answer is malformed: ${(err as Error).message}`, { cause: err });
    }
    const checks = verifyLogEntry(entry, key.key, request);
    if (!entryIsValid(checks)) {
      throw new NotaryError('internal', `Rekor answer failed verification: ${describeFailures(checks)}`);
    }
    return entry;
  }

  async info(): Promise<LogInfo> {
    const key = await this.logKey();
    const tree = await guard('read Rekor log info', () => this.client.getLogInfo());
    let checkpoint: ReturnType<typeof verifyCheckpoint>;
    try {
      checkpoint = verifyCheckpoint(tree.signedTreeHead, key.key);
    } catch (err) {
      throw new NotaryError('internal', `Rekor signed tree head failed verification: ${(err as Error).message}`, { cause: err });
    }
    return {
      logID: key.logID,
      url: this.options.url,
      publicKeyPem: key.pem,
      origin: checkpoint.origin,
      apiVersion: 1,
      keyName: checkpoint.key.name,
    };
  }

  async ping(): Promise<void> {
    await guard('reach Rekor', () => this.client.getLogInfo());
  }

  async close(): Promise<void> {}

  private logKey(): Promise<LogKey> {
    this.keyPromise ??= guard('fetch the Rekor public key', () => this.client.getPublicKey()).then((pem) => {
      const k = toLogKey(pem);
      this.options.logger?.info({ url: this.options.url, logID: k.logID }, 'Rekor public key fetched (not pinned)');
      return k;
    });
    // A failed fetch must not be cached: the next call tries again.
    this.keyPromise.catch(() => (this.keyPromise = undefined));
    return this.keyPromise;
  }
}

function toLogKey(pem: string): LogKey {
  try {
    const key = createPublicKey(pem);
    return { key, pem, logID: logIdFromPublicKey(key) };
  } catch (err) {
    throw new NotaryError('internal', 'Rekor public key is not a valid PEM public key', { cause: err });
  }
}
