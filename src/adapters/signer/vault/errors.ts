import { NotaryError } from '../../../core/errors.js';

/**
 * A non-2xx answer from Vault. Carries only the status and Vault's own `errors[]`
 * (never request headers or bodies), so it is safe to log: tokens travel in headers.
 */
export class VaultHttpError extends Error {
  readonly status: number;
  readonly errors: string[];

  constructor(method: string, path: string, status: number, errors: string[]) {
    const detail = errors.length > 0 ? `: ${errors.join('; ')}` : '';
    super(`Vault ${method} ${path} answered HTTP ${status}${detail}`);
    this.name = 'VaultHttpError';
    this.status = status;
    this.errors = errors;
  }

  get permissionDenied(): boolean {
    return this.status === 403 && this.errors.some((e) => e.includes('permission denied'));
  }
}

/** The transport failed before Vault answered (refused, reset, timed out). */
export class VaultNetworkError extends Error {
  constructor(method: string, path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Vault ${method} ${path} failed: ${why}`, { cause });
    this.name = 'VaultNetworkError';
  }
}

/** Availability failures: what retries and the circuit breaker care about. */
export function isTransient(err: unknown): boolean {
  if (err instanceof VaultNetworkError) return true;
  return err instanceof VaultHttpError && (err.status === 429 || (err.status >= 500 && err.status !== 501));
}

/** One place that turns adapter failures into the core's codes. */
export function toNotaryError(action: string, err: unknown): NotaryError {
  if (err instanceof NotaryError) return err;
  const why = err instanceof Error ? err.message : String(err);
  // Sealed, unreachable, overloaded: the caller may try again later.
  if (isTransient(err)) return new NotaryError('unavailable', `vault ${action}: ${why}`, { cause: err });
  // Any other 4xx means our request or Vault's setup is wrong: retrying will not help.
  return new NotaryError('internal', `vault ${action}: ${why}`, { cause: err });
}
