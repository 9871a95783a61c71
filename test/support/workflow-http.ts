import type { FastifyInstance } from 'fastify';

/** REST calls of the approval and batch workflows, shared by their e2e tests. */
export async function requestApproval(rest: FastifyInstance, body: Record<string, unknown>) {
  const res = await rest.inject({ method: 'POST', url: '/api/v1/evidence/sign/approval', payload: body });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

export async function decide(rest: FastifyInstance, id: string, body: Record<string, unknown>) {
  const res = await rest.inject({ method: 'POST', url: `/api/v1/workflows/${id}/approvals`, payload: body });
  return { status: res.statusCode, body: res.json() };
}

export async function signBatch(rest: FastifyInstance, body: Record<string, unknown>) {
  const res = await rest.inject({ method: 'POST', url: '/api/v1/evidence/sign/batch', payload: body });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
