/**
 * Tier 1, shared by every outbound vendor client (Rekor v1 and v2, RFC 3161 TSAs, Vault, OTLP logs):
 * a small fetch-based client for JSON, text and binary bodies. Per-attempt timeout, retries only where
 * a retry can help (by default network errors, 408, 429, 5xx; a caller may narrow that per request)
 * with exponential backoff + full jitter, Retry-After honoured. Retrying POST is safe against Rekor (a
 * repeated create answers 409 with the existing entry) and against TSAs (each answer is a fresh
 * timestamp); Vault says per request which calls may be replayed.
 */
export interface HttpClientOptions {
  baseUrl: string;
  timeoutMs?: number; // per attempt
  retries?: number; // extra attempts after the first
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is returned at once. */
  maxRetryAfterMs?: number;
  /** Wait at least what a 429/503's Retry-After asks (default true). */
  honourRetryAfter?: boolean;
  fetch?: Fetch;
}

/** What the client needs of fetch: the global one, or agentFetch (own keep-alive agent, private CA). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** Per request: what it sends besides the body, and which of its failures are worth another attempt. */
export interface SendOptions {
  headers?: Record<string, string>;
  /** extra attempts for this request (default: the client's `retries`) */
  retries?: number;
  /** default: isRetryableStatus (network error, 408, 429, 5xx) */
  retryable?: (err: HttpError) => boolean;
  /** non-2xx statuses handed back as answers instead of thrown (Vault's sys/health: 429, 472, 473) */
  okStatuses?: readonly number[];
}

/** `{code, message}`: Rekor v1 (HTTP status), Rekor v2 via grpc-gateway (gRPC code), Sigstore's TSA. */
export interface RekorErrorBody {
  code: number;
  message: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown; // parsed JSON, a Buffer for binary answers, text otherwise
}

/** A body sent as it is (not JSON), with its media type. */
export interface RawBody {
  bytes: Uint8Array;
  contentType: string;
}

const BINARY = /octet-stream|timestamp-(reply|query)/;

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number, // 0 = no HTTP answer (network error, timeout)
    readonly headers: Headers = new Headers(),
    readonly body?: RekorErrorBody,
    options?: { cause?: unknown; payload?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.payload = options?.payload;
  }

  /** the answer's parsed body, whatever its shape (Vault's `{errors: [...]}`) */
  readonly payload: unknown;

  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

export const isRetryableStatus = (s: number): boolean => s === 0 || s === 408 || s === 429 || s >= 500;

export class HttpClient {
  private readonly o: Required<Omit<HttpClientOptions, 'fetch'>> & { fetch: Fetch };

  constructor(options: HttpClientOptions) {
    // Explicit `undefined` (e.g. from optional config) must not erase a default.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = {
      timeoutMs: 10_000,
      retries: 3,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 5_000,
      maxRetryAfterMs: 30_000,
      honourRetryAfter: true,
      ...given,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      fetch: options.fetch ?? globalThis.fetch,
    };
    if (!Number.isSafeInteger(this.o.retries) || this.o.retries < 0) throw new RangeError('retries must be an integer >= 0');
    if (!(this.o.timeoutMs > 0)) throw new RangeError('timeoutMs must be > 0');
  }

  async request(method: string, path: string, json?: unknown, accept = 'application/json'): Promise<HttpResponse> {
    return this.send(
      method,
      path,
      json === undefined ? undefined : { bytes: Buffer.from(JSON.stringify(json)), contentType: 'application/json' },
      accept,
    );
  }

  async send(method: string, path: string, body: RawBody | undefined, accept: string, options: SendOptions = {}): Promise<HttpResponse> {
    const retries = options.retries ?? this.o.retries;
    const retryable = options.retryable ?? ((e: HttpError) => e.retryable);
    for (let attempt = 0; ; attempt++) {
      let err: HttpError;
      try {
        const res = await this.once(method, path, body, accept, options.headers);
        if ((res.status >= 200 && res.status < 300) || options.okStatuses?.includes(res.status)) return res;
        err = toHttpError(method, path, res);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        err = new HttpError(`${method} ${path}: ${reason}`, 0, undefined, undefined, { cause });
      }
      if (attempt >= retries || !retryable(err)) throw err;
      const wait = this.delay(attempt, this.o.honourRetryAfter ? err.headers.get('retry-after') : null);
      if (wait === undefined) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async once(
    method: string,
    path: string,
    sent: RawBody | undefined,
    accept: string,
    headers?: Record<string, string>,
  ): Promise<HttpResponse> {
    const res = await this.o.fetch(`${this.o.baseUrl}${path}`, {
      method,
      headers: { accept, ...(sent && { 'content-type': sent.contentType }), ...headers },
      body: sent?.bytes as Uint8Array<ArrayBuffer> | undefined,
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const raw = Buffer.from(await res.arrayBuffer()); // read inside the attempt so the timeout covers the body too
    const type = res.headers.get('content-type') ?? '';
    if (BINARY.test(type) || (!type && BINARY.test(accept))) return { status: res.status, headers: res.headers, body: raw };
    const text = raw.toString('utf8');
    let body: unknown = text;
    if (type.includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text; // a proxy's broken JSON must not hide the status code
      }
    }
    return { status: res.status, headers: res.headers, body };
  }

  /** Full jitter: uniform in [0, min(max, base·2^attempt)]; Retry-After is a floor. */
  private delay(attempt: number, retryAfter: string | null): number | undefined {
    const jitter = Math.random() * Math.min(this.o.retryMaxDelayMs, this.o.retryBaseDelayMs * 2 ** attempt);
    const floor = parseRetryAfter(retryAfter);
    if (floor === undefined) return jitter;
    return floor > this.o.maxRetryAfterMs ? undefined : Math.max(floor, jitter);
  }
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function toHttpError(method: string, path: string, res: HttpResponse): HttpError {
  const b = res.body as Partial<RekorErrorBody> | string;
  const body =
    typeof b === 'object' && b !== null && typeof b.message === 'string'
      ? { code: typeof b.code === 'number' ? b.code : res.status, message: b.message }
      : undefined;
  const detail = body?.message ?? (typeof b === 'string' ? b.slice(0, 200) : '');
  return new HttpError(`${method} ${path}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`, res.status, res.headers, body, {
    payload: res.body,
  });
}
