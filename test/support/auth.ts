import type { FastifyInstance } from 'fastify';

export type Creds = Record<string, string>;
export const bearer = (token: string): Creds => ({ authorization: `Bearer ${token}` });

/** Creates an API key through the admin API; returns the key (shown once) and its id. */
export async function createApiKey(
  rest: FastifyInstance,
  admin: Creds,
  name: string,
  roles: string[],
): Promise<{ key: string; id: string }> {
  const res = await rest.inject({ method: 'POST', url: '/api/v1/auth/api-keys', headers: admin, payload: { name, roles } });
  if (res.statusCode !== 201) throw new Error(`creating API key failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { key: body.api_key, id: body.id };
}
