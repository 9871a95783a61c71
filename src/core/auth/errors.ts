/**
 * Authentication and authorization failures. Kept apart from the core's ErrorCode union on purpose:
 * each door maps them itself (REST 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED), and adding
 * codes to ErrorCode would break every exhaustive `Record<ErrorCode, …>` table at once.
 */
export type AuthErrorCode = 'unauthenticated' | 'forbidden';

/** Why authentication failed: safe to log and to show the caller (never contains the credential). */
export type AuthFailureReason =
  | 'missing' // a credential is required and none was sent
  | 'malformed' // not parseable as any credential type we accept
  | 'unknown_key' // API key not found
  | 'revoked' // API key revoked
  | 'expired' // JWT exp (after clock skew)
  | 'not_yet_valid' // JWT nbf
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'bad_signature' // signed by a key the issuer does not publish, or altered
  | 'unsupported' // credential type not configured on this server (e.g. JWT without an issuer)
  | 'invalid_claims';

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly reason?: AuthFailureReason;
  readonly permission?: string;

  constructor(code: AuthErrorCode, message: string, options: { reason?: AuthFailureReason; permission?: string } = {}) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
    this.reason = options.reason;
    this.permission = options.permission;
  }
}

export const isAuthError = (err: unknown): err is AuthError => err instanceof AuthError;

export const unauthenticated = (reason: AuthFailureReason, message: string): AuthError =>
  new AuthError('unauthenticated', message, { reason });
