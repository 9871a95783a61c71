import { closed, int, str } from './json.js';

/** RFC 9457 problem details plus AFDP's ErrorResponse members (status, message, details, request_id). */
export const problemSchema = {
  $id: 'Problem',
  description: "An error: RFC 9457 problem details with AFDP's ErrorResponse members (`status`, `message`, `details`, `request_id`).",
  ...closed(
    {
      type: str({ format: 'uri', description: 'https://afdp.dev/problems/{code}' }),
      title: str({ description: 'the HTTP status text' }),
      status: int({ description: 'the HTTP status code (AFDP: status)' }),
      detail: str({ description: 'what went wrong; for 5xx other than 503 only a pointer to the request id' }),
      code: str({
        description: 'stable error code',
        examples: [
          'invalid_request',
          'validation_failed',
          'payload_too_large',
          'unsupported_media_type',
          'not_found',
          'gone',
          'conflict',
          'idempotency_mismatch',
          'workflow_closed',
          'unauthenticated',
          'forbidden',
          'rate_limited',
          'unavailable',
          'deadline_exceeded',
          'internal',
        ],
      }),
      field: str({ description: 'the offending field, for input errors (e.g. evidence_package.artifacts[0].hash_sha256)' }),
      instance: str({ description: 'the request path' }),
      request_id: str({ description: 'also in the x-request-id header (AFDP: request_id)' }),
      message: str({ description: "AFDP's name for detail: the same text" }),
      details: closed({ code: str(), field: str() }, ['field'], {
        description: "AFDP's details: the code and, for input errors, the field",
      }),
    },
    ['field'],
  ),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request: not JSON, or a parameter or body member of the wrong shape',
  401: 'No valid credentials (authentication is on): JWT bearer token, API key or client certificate',
  403: "Authenticated, but the route needs a permission the caller's roles do not grant",
  404: 'No such resource',
  410: 'The evidence body was purged by retention; its signature, log entry and receipt remain verifiable',
  409: 'Conflict: the same Idempotency-Key is still in flight, or the workflow no longer takes this step',
  413: 'A limit was exceeded (body size, artifacts, nesting, string length, batch size)',
  415: 'The body is not application/json',
  422: 'Well-formed but wrong: an evidence package that breaks a rule, or an Idempotency-Key reused with another package',
  429: 'Rate limit exceeded; Retry-After says when to come back',
  500: 'Internal error; the detail only quotes the request id',
  503: 'A dependency (store, signer or transparency log) is not answering; retry (Retry-After)',
  504: 'A dependency did not answer in time',
};

const problemContent = {
  'application/problem+json': { schema: { $ref: 'Problem#' } },
  'application/json': { schema: { $ref: 'Problem#' } },
};

/**
 * Error responses of a route: each status it can answer with, plus 4xx/5xx catch-alls (the
 * serializer falls back to them). The body is problem+json, or application/json when the request's
 * Accept admits only that. 401/403 of protected routes are added to the document from the
 * permission table.
 */
export function errorResponses(...statuses: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const status of [...new Set([400, ...statuses, 429, 500])].sort()) {
    out[status] = { description: STATUS_TEXT[status] ?? 'Error', content: problemContent };
  }
  out['4xx'] = { description: 'Any other client error', content: problemContent };
  out['5xx'] = { description: 'Any other server error', content: problemContent };
  return out;
}

export const authErrorResponses = (): Record<string, unknown> => ({
  401: { description: STATUS_TEXT[401], content: problemContent },
  403: { description: STATUS_TEXT[403], content: problemContent },
});
