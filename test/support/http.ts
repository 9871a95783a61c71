import type { FastifyInstance } from 'fastify';
import type { EvidencePackage } from '../../src/core/evidence.js';

export async function sign(rest: FastifyInstance, pkg: unknown, headers: Record<string, string> = {}) {
  const res = await rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: { evidence_package: pkg }, headers });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

export async function validate(rest: FastifyInstance, pkg: EvidencePackage, receipt: unknown) {
  const res = await rest.inject({ method: 'POST', url: '/api/v1/evidence/validate', payload: { evidence_package: pkg, receipt } });
  return { status: res.statusCode, body: res.json() };
}
