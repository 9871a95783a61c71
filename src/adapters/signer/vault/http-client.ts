import http from 'node:http';
import https from 'node:https';
import { agentFetch } from '../../http/agent-fetch.js';
import { HttpClient, HttpError } from '../../http/http-client.js';
import { VaultHttpError, VaultNetworkError } from './errors.js';

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

/**
 * Vault over the shared HTTP layer (adapters/http): one keep-alive agent with Vault's CA, per-attempt
 * timeout, backoff with full jitter. What stays Vault's own: which calls may be replayed, its headers,
 * and its errors (VaultHttpError with Vault's `errors[]`, VaultNetworkError).
 */
export class VaultHttpClient {
  readonly #agent: http.Agent;
  readonly #http: HttpClient;
  readonly #opts: VaultHttpOptions;

  constructor(opts: VaultHttpOptions) {
    this.#opts = opts;
    const base = new URL(opts.addr.endsWith('/') ? opts.addr : `${opts.addr}/`);
    const agentOpts = { keepAlive: true, maxSockets: 32 };
    this.#agent = base.protocol === 'https:' ? new https.Agent({ ...agentOpts, ca: opts.caCertPem }) : new http.Agent(agentOpts);
    this.#http = new HttpClient({
      baseUrl: new URL('v1', base).href,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 2_000,
      // Vault's backoff is short and its own; a quota's Retry-After is not waited for
      honourRetryAfter: false,
      fetch: agentFetch(this.#agent),
    });
  }

  async request<T>(req: VaultRequest): Promise<VaultResponse<T>> {
    const headers: Record<string, string> = {};
    if (req.token) headers['x-vault-token'] = req.token;
    if (this.#opts.namespace && !req.rootNamespace) headers['x-vault-namespace'] = this.#opts.namespace;
    const body = req.body === undefined ? undefined : { bytes: Buffer.from(JSON.stringify(req.body)), contentType: 'application/json' };
    const idempotent = req.idempotent ?? true;
    try {
      const res = await this.#http.send(req.method, `/${req.path}`, body, 'application/json', {
        headers,
        retries: req.retries,
        retryable: (err) => retryable(err.status, idempotent),
        okStatuses: req.accept,
      });
      return { status: res.status, body: jsonOf(res.body) as T | undefined };
    } catch (err) {
      throw this.#vaultError(req, err);
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #vaultError(req: VaultRequest, err: unknown): Error {
    if (!(err instanceof HttpError)) return err as Error;
    if (err.status !== 0) return new VaultHttpError(req.method, req.path, err.status, errorsOf(jsonOf(err.payload)));
    const cause = err.cause;
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    return new VaultNetworkError(
      req.method,
      req.path,
      timedOut ? new Error(`timed out after ${this.#opts.timeoutMs} ms`, { cause }) : cause,
    );
  }
}

/** Status 0: no answer (refused, reset, timed out). */
function retryable(status: number, idempotent: boolean): boolean {
  // 429 and 503 are answered before Vault does any work (rate limit, sealed/standby),
  // so even a non-idempotent call can be replayed safely after them.
  if (!idempotent) return status === 429 || status === 503;
  return status === 0 || status === 429 || (status >= 500 && status !== 501);
}

/** The shared layer parses JSON by content type; Vault's bodies are JSON whatever the header says. */
function jsonOf(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function errorsOf(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
}
