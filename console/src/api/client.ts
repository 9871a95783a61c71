/**
 * The API, typed by openapi-fetch from openapi.d.ts (generated from the service's OpenAPI
 * document). Same origin only (the page's CSP allows no other); the credential is added here.
 */
import createClient from 'openapi-fetch';
import { authorization } from '../session.js';
// one generated copy of the API's types: the client package's (test/client/generated.test.ts keeps it current)
import type { components, paths } from '../../../packages/client/src/generated/openapi.js';

export type Schemas = components['schemas'];

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });
api.use({
  onRequest({ request }) {
    const auth = authorization();
    if (auth) request.headers.set('authorization', auth);
    return request;
  },
});

/** A refused call: the status and the problem's code and detail (application/problem+json). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

type Problem = { detail?: string; code?: string; title?: string };

/** Unwraps an openapi-fetch answer: its data, or an ApiError saying what the service said. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const p = (typeof error === 'object' && error !== null ? error : {}) as Problem;
  const detail = p.detail ?? p.title ?? (typeof error === 'string' ? error : response.statusText);
  throw new ApiError(response.status, p.code ?? String(response.status), `${response.status}: ${detail}`);
}
