/**
 * The REST client: every route typed from the service's OpenAPI document (openapi-fetch over the
 * openapi-typescript output in generated/), plus the calls a pipeline needs written once: sign with
 * an idempotency key and retries, fetch a receipt, wait until it is anchored, validate, trust root.
 */
import createClient, { type Client } from 'openapi-fetch';
import { NotaryError } from './errors.js';
import type { components, paths } from './generated/openapi.js';
import { newIdempotencyKey } from './idempotency.js';
import { parseRetryAfter, retryPolicy, withRetries, type RetryOptions, type RetryVerdict } from './retry.js';

// `@afdp-notary/client/rest` is this module alone: REST without loading grpc-js (~0.4 s at start-up)
export { NotaryError } from './errors.js';

/** The package as the OpenAPI document describes it (unknown fields allowed: signed as sent). */
export type EvidencePackage = components['schemas']['EvidencePackage'];
/** Drops index signatures, deeply: what a caller's own interface types (which have none) can satisfy. */
type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Known<T[K]> }
    : T;
/** What the clients take: an EvidencePackage, or any object type with its documented fields. */
export type EvidencePackageInput = Known<EvidencePackage>;
export type Receipt = components['schemas']['Receipt'];
export type SignEvidenceResponse = components['schemas']['SignEvidenceResponse'];
export type ValidateEvidenceResponse = components['schemas']['ValidateEvidenceResponse'];
export type TrustRootDocument = components['schemas']['TrustRoot'];
export type Problem = components['schemas']['Problem'];

export interface Credentials {
  /** an API key (sent as X-API-Key) */
  apiKey?: string;
  /** an OIDC access token or the admin token (sent as Authorization: Bearer) */
  bearerToken?: string;
}

export interface RestClientOptions extends Credentials {
  /** the service's base URL, e.g. http://localhost:3030 */
  url: string;
  retry?: RetryOptions;
  /** bound on one HTTP exchange (default 30 s; a sign that waits for anchoring gets its wait on top) */
  timeoutMs?: number;
  /** a fetch implementation (default: the global one) */
  fetch?: typeof globalThis.fetch;
}

export interface SignOptions {
  /** reused on every retry; default a random UUID per call, so a retry never signs twice */
  idempotencyKey?: string;
  /** wait up to this long for the log entry before answering (the service caps it at 30 s) */
  waitAnchoredMs?: number;
}

export interface SignResult extends SignEvidenceResponse {
  /** the key the request carried (give it back to sign again and get this same receipt) */
  idempotencyKey: string;
  /** an earlier request with the same key produced this answer */
  replayed: boolean;
}

const RETRYABLE_STATUS = new Set([429, 503]);

export class NotaryRestClient {
  /** every route, typed: `client.api.GET('/api/v1/workflows/{id}/status', { params: { path: { id } } })` */
  readonly api: Client<paths>;
  private readonly policy;
  private readonly timeoutMs: number;

  constructor(options: RestClientOptions) {
    this.policy = retryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const headers: Record<string, string> = {};
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
    this.api = createClient<paths>({
      baseUrl: options.url.replace(/\/+$/, ''),
      headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async sign(evidence_package: EvidencePackageInput, options: SignOptions = {}): Promise<SignResult> {
    const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
    const wait = options.waitAnchoredMs ? { wait: 'anchored' as const, wait_timeout_ms: options.waitAnchoredMs } : undefined;
    // 409 conflict on sign: an earlier attempt with this key (one whose answer was lost) is still
    // being signed; asking again soon returns its receipt
    return this.call(
      'sign',
      async (signal) => {
        const { data, error, response } = await this.api.POST('/api/v1/evidence/sign', {
          params: { header: { 'idempotency-key': idempotencyKey }, ...(wait ? { query: wait } : {}) },
          body: { evidence_package: evidence_package as EvidencePackage },
          signal,
        });
        if (!data) throw refusal(response, error);
        return { ...data, idempotencyKey, replayed: response.headers.get('idempotent-replayed') === 'true' };
      },
      options.waitAnchoredMs ?? 0,
      (err) => err.code === 'conflict',
    );
  }

  async receipt(workflowId: string): Promise<Receipt> {
    return this.call('receipt', async (signal) => {
      const { data, error, response } = await this.api.GET('/api/v1/workflows/{id}/receipt', {
        params: { path: { id: workflowId } },
        signal,
      });
      if (!data) throw refusal(response, error);
      return data as Receipt;
    });
  }

  /** Polls the receipt until it is anchored; a NotaryError `not_anchored` when timeoutMs passes first. */
  async waitAnchored(workflowId: string, { timeoutMs = 60_000, pollMs = 500 } = {}): Promise<Receipt> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const receipt = await this.receipt(workflowId);
      if (receipt.anchoring === 'anchored') return receipt;
      if (Date.now() + pollMs > until)
        throw new NotaryError(`workflow ${workflowId} is not anchored after ${timeoutMs} ms`, 'unavailable', 'not_anchored');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** The service's own check of a package against a receipt (online; see verifyReceiptOffline for offline). */
  async validate(evidence_package: EvidencePackageInput, receipt: Receipt): Promise<ValidateEvidenceResponse> {
    return this.call('validate', async (signal) => {
      const { data, error, response } = await this.api.POST('/api/v1/evidence/validate', {
        body: { evidence_package, receipt } as never,
        signal,
      });
      if (!data) throw refusal(response, error);
      return data;
    });
  }

  /** Every signing-key version and the log's key: what an offline verifier trusts (publish it out of band). */
  async trustRoot(): Promise<TrustRootDocument> {
    return this.call('trust root', async (signal) => {
      const { data, error, response } = await this.api.GET('/api/v1/trust-root', { signal });
      if (!data) throw refusal(response, error);
      return data;
    });
  }

  /** One logical call: attempts with their own timeout, retried while the service says "later". */
  private call<T>(
    what: string,
    attempt: (signal: AbortSignal) => Promise<T>,
    extraMs = 0,
    alsoRetry = (_: NotaryError) => false,
  ): Promise<T> {
    return withRetries(
      this.policy,
      async () => {
        try {
          return await attempt(AbortSignal.timeout(this.timeoutMs + extraMs));
        } catch (err) {
          throw err instanceof NotaryError ? err : unreachable(what, err);
        }
      },
      (err) => judge(err, alsoRetry),
    );
  }
}

export function createRestClient(options: RestClientOptions): NotaryRestClient {
  return new NotaryRestClient(options);
}

/** Every call here is safe to repeat (reads, a pure check, a sign with its key), so no answer is retried too. */
function judge(err: unknown, alsoRetry: (err: NotaryError) => boolean): RetryVerdict {
  if (!(err instanceof NotaryError)) return { retry: false };
  return { retry: err.kind !== 'refused' || alsoRetry(err), serverDelayMs: err.details.retryAfterMs };
}

function refusal(response: Response, body: unknown): NotaryError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  const status = response.status;
  const retryable = RETRYABLE_STATUS.has(status);
  const code = typeof problem.code === 'string' ? problem.code : `http_${status}`;
  return new NotaryError(`${status} ${problem.detail ?? response.statusText}`, retryable ? 'unavailable' : 'refused', code, {
    httpStatus: status,
    field: problem.field,
    requestId: problem.request_id ?? response.headers.get('x-request-id') ?? undefined,
    retryAfterMs: retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
  });
}

function unreachable(what: string, err: unknown): NotaryError {
  const timeout = err instanceof DOMException && err.name === 'TimeoutError';
  const cause = (err as { cause?: { code?: string } }).cause;
  return new NotaryError(
    `${what}: ${timeout ? 'no answer in time' : `cannot reach the service (${cause?.code ?? (cause as Error | undefined)?.message ?? (err as Error).message})`}`,
    'unreachable',
    timeout ? 'timeout' : 'unreachable',
    { cause: err },
  );
}
