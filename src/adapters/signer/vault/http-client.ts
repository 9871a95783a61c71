import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { VaultHttpError, VaultNetworkError, isTransient } from './errors.js';

export interface VaultHttpOptions {
  addr: string;
  namespace?: string;
  caCertPem?: string;
  timeoutMs: number;
  retries: number;
}

export interface VaultRequest {
  method: 'GET' | 'POST';
  /** Path after `/v1/`, already escaped. */
  path: string;
  body?: unknown;
  token?: string;
  /** Set false for calls whose replay is not harmless (login, rotate). */
  idempotent?: boolean;
  retries?: number;
  /** Statuses to hand back instead of throwing (sys/health uses 429/472/473). */
  accept?: readonly number[];
  /** sys/* health lives in the root namespace only. */
  rootNamespace?: boolean;
}

export interface VaultResponse<T> {
  status: number;
  body: T | undefined;
}

const BASE_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2_000;

/** Raw tier: one keep-alive agent, per-attempt timeout, backoff with full jitter. */
export class VaultHttpClient {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;
  readonly #opts: VaultHttpOptions;

  constructor(opts: VaultHttpOptions) {
    this.#opts = opts;
    this.#base = new URL(opts.addr.endsWith('/') ? opts.addr : `${opts.addr}/`);
    const secure = this.#base.protocol === 'https:';
    this.#transport = secure ? https : http;
    const agentOpts = { keepAlive: true, maxSockets: 32 };
    this.#agent = secure ? new https.Agent({ ...agentOpts, ca: opts.caCertPem }) : new http.Agent(agentOpts);
  }

  async request<T>(req: VaultRequest): Promise<VaultResponse<T>> {
    const retries = req.retries ?? this.#opts.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once<T>(req);
      } catch (err) {
        if (attempt >= retries || !retryable(err, req.idempotent ?? true)) throw err;
        const cap = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
        await sleep(Math.random() * cap);
      }
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #once<T>(req: VaultRequest): Promise<VaultResponse<T>> {
    const url = new URL(`v1/${req.path}`, this.#base);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (req.token) headers['x-vault-token'] = req.token;
    if (this.#opts.namespace && !req.rootNamespace) headers['x-vault-namespace'] = this.#opts.namespace;
    return new Promise((resolve, reject) => {
      const r = this.#transport.request(
        url,
        { method: req.method, headers, agent: this.#agent, timeout: this.#opts.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new VaultNetworkError(req.method, req.path, e)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const body = parseJson(Buffer.concat(chunks).toString('utf8'));
            if ((status >= 200 && status < 300) || req.accept?.includes(status)) {
              resolve({ status, body: body as T | undefined });
            } else {
              reject(new VaultHttpError(req.method, req.path, status, errorsOf(body)));
            }
          });
        },
      );
      // The socket timeout fires on inactivity; destroying turns it into a rejection.
      r.on('timeout', () => r.destroy(new Error(`timed out after ${this.#opts.timeoutMs} ms`)));
      r.on('error', (e) => reject(new VaultNetworkError(req.method, req.path, e)));
      r.end(payload);
    });
  }
}

function retryable(err: unknown, idempotent: boolean): boolean {
  if (!isTransient(err)) return false;
  if (idempotent) return true;
  // 429 and 503 are answered before Vault does any work (rate limit, sealed/standby),
  // so even a non-idempotent call can be replayed safely after them.
  return err instanceof VaultHttpError && (err.status === 429 || err.status === 503);
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorsOf(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
}
