import { Validator } from '@seriousme/openapi-schema-validator';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes, toOpenApiPath, undocumentedRoutes } from '../../src/api/rest/openapi/coverage.js';
import { ROUTE_RULES } from '../../src/api/rest/auth/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { loadDocument, responseMismatches, schemaValidator, type OpenApiDoc } from '../support/openapi.js';
import { uniquePackage } from '../support/records.js';

const ADMIN_TOKEN = 'openapi-test-admin-token-7d1e';
type Op = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
};

function operations(doc: OpenApiDoc): [string, string, Op][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]): [string, string, Op] => [m.toUpperCase(), path, op as Op]),
  );
}

describe('the OpenAPI 3.1 document and Swagger UI', () => {
  let app: TestApp;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    app = await startTestApp({ NOTARY_ADMIN_TOKEN: ADMIN_TOKEN });
    doc = await loadDocument(app.rest);
  });
  afterAll(async () => app?.close());

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // the same document at AFDP's path and at Swagger UI's
    expect((await app.rest.inject('/swagger-ui/json')).json()).toEqual(doc);
  });

  it('describes every registered route, and nothing that is not registered', () => {
    const routes = registeredRoutes(app.rest);
    expect(routes).toContain('POST /api/v1/evidence/sign');
    expect(routes).toContain('GET /api/v1/log/entries/:uuid');
    expect(routes.some((r) => r.startsWith('GET /swagger-ui'))).toBe(false); // the UI's pages are not API operations
    expect(undocumentedRoutes(app.rest)).toEqual([]);
    const documented = operations(doc)
      .map(([m, p]) => `${m} ${p}`)
      .sort();
    expect(documented).toEqual(
      routes
        .map((r) => {
          const [m, u] = r.split(' ');
          return `${m} ${toOpenApiPath(u!)}`;
        })
        .sort(),
    );
    // every documented route is in the permission table, so its security is stated from there
    for (const r of routes) expect(ROUTE_RULES[r], r).toBeDefined();
  });

  it('gives every operation an id, a summary, a tag, its auth, examples and error responses', () => {
    for (const [method, path, op] of operations(doc)) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-zA-Z]+$/);
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBe(1);
      expect(Array.isArray(op.security), where).toBe(true);
      const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'));
      expect(success, where).toBeDefined();
      const media = Object.values(success![1].content ?? {})[0];
      expect(media?.schema, where).toBeDefined();
      if (path !== '/api-docs/openapi.json' && path !== '/metrics') expect(media?.example, `${where}: response example`).toBeDefined();
      if (op.requestBody) {
        const body = op.requestBody.content['application/json']!;
        expect(body.example ?? body.examples, `${where}: request example`).toBeDefined();
      }
      if (path === '/api-docs/openapi.json' || path === '/metrics') continue;
      for (const status of ['400', '4XX', '5XX']) {
        expect(Object.keys(op.responses[status]?.content ?? {}).sort(), `${where} ${status}`).toEqual([
          'application/json',
          'application/problem+json',
        ]);
      }
      const isPublic = op.security!.length === 0;
      expect(ROUTE_RULES[`${method} ${path.replace(/\{(\w+)\}/g, ':$1').replace(/\{\*\}$/, '*')}`] === 'public', where).toBe(isPublic);
      if (!isPublic) for (const status of ['401', '403']) expect(op.responses[status], `${where} ${status}`).toBeDefined();
    }
    expect(Object.keys((doc.components as unknown as { securitySchemes: object }).securitySchemes).sort()).toEqual([
      'apiKeyAuth',
      'bearerAuth',
      'mutualTLS',
    ]);
  });

  it('has examples that match the schemas they illustrate', () => {
    const check = schemaValidator(doc);
    let checked = 0;
    for (const [method, path, op] of operations(doc)) {
      const bodies = Object.values(op.requestBody?.content ?? {}).flatMap((m) =>
        [...(m.example === undefined ? [] : [m.example]), ...Object.values(m.examples ?? {}).map((e) => e.value)].map((value) => ({
          schema: m.schema,
          value,
        })),
      );
      const responses = Object.values(op.responses)
        .flatMap((r) => Object.values(r.content ?? {}))
        .filter((m) => m.example !== undefined)
        .map((m) => ({ schema: m.schema, value: m.example }));
      for (const { schema, value } of [...bodies, ...responses]) {
        expect(check(schema, value), `${method} ${path}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it('answers every call the way the document says: real responses match their documented schemas', async () => {
    const check = schemaValidator(doc);
    const mismatches: string[] = [];
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const call = async (
      method: string,
      pattern: string,
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ): Promise<LightMyRequestResponse> => {
      const res = await app.rest.inject({ method: method as 'GET', url, payload: payload as object, headers });
      mismatches.push(...responseMismatches(doc, check, { method, pattern }, res));
      return res;
    };
    const pkg = uniquePackage('openapi');
    const signed = (await call('POST', '/api/v1/evidence/sign', '/api/v1/evidence/sign', { evidence_package: pkg })).json();
    await call('POST', '/api/v1/evidence/sign', '/api/v1/evidence/sign', { evidence_package: pkg }, { 'idempotency-key': 'k-openapi' });
    await call('POST', '/api/v1/evidence/validate', '/api/v1/evidence/validate', { evidence_package: pkg, receipt: signed.receipt });
    await call('POST', '/api/v1/evidence/validate', '/api/v1/evidence/validate', { evidence_package: pkg, signature: 'bm90IGl0' });
    await call('GET', '/api/v1/evidence/:hash', `/api/v1/evidence/${signed.receipt.evidence_package_hash}`);
    await call('GET', '/api/v1/evidence', `/api/v1/evidence?actor_id=${pkg.actor.id}`);
    await call('GET', '/api/v1/workflows/:id/status', `/api/v1/workflows/${signed.workflow_id}/status`);
    await call('GET', '/api/v1/workflows/:id/receipt', `/api/v1/workflows/${signed.workflow_id}/receipt`);
    const batch = (
      await call('POST', '/api/v1/evidence/sign/batch', '/api/v1/evidence/sign/batch', {
        evidence_packages: [uniquePackage('openapi-b'), { nope: 1 }],
      })
    ).json();
    await call('GET', '/api/v1/workflows/:id/status', `/api/v1/workflows/${batch.batch_workflow_id}/status`);
    const approval = (
      await call('POST', '/api/v1/evidence/sign/approval', '/api/v1/evidence/sign/approval', {
        evidence_package: uniquePackage('openapi-a'),
        approvers: ['a', 'b'],
      })
    ).json();
    await call('POST', '/api/v1/workflows/:id/approvals', `/api/v1/workflows/${approval.workflow_id}/approvals`, {
      approver: 'a',
      decision: 'approve',
    });
    await call('POST', '/api/v1/workflows/:id/approvals', `/api/v1/workflows/${approval.workflow_id}/approvals`, {
      approver: 'b',
      decision: 'approve',
      comment: 'ok',
    });
    await call('GET', '/api/v1/workflows/:id/receipt', `/api/v1/workflows/${approval.workflow_id}/receipt`);
    await call('GET', '/api/v1/workflows', '/api/v1/workflows?page_size=5');
    await call('GET', '/health', '/health');
    await call('GET', '/ready', '/ready');
    await call('GET', '/metrics', '/metrics');
    await call('GET', '/api/v1/trust-root', '/api/v1/trust-root');
    await call('GET', '/api/v1/log', '/api/v1/log');
    await call('GET', '/api/v1/log/publicKey', '/api/v1/log/publicKey');
    await call('GET', '/api/v1/log/proof', '/api/v1/log/proof?firstSize=1&lastSize=2');
    await call('GET', '/api/v1/log/entries/:uuid', `/api/v1/log/entries/${signed.receipt.rekor_log_id}`);
    await call('GET', '/api/v1/log/entries', '/api/v1/log/entries?logIndex=0');
    await call('GET', '/api/v1/log/tiles/checkpoint', '/api/v1/log/tiles/checkpoint');
    await call('GET', '/api/v1/log/tiles/tile/*', '/api/v1/log/tiles/tile/0/000.p/1');
    await call('GET', '/api/v1/log/tiles/tile/*', '/api/v1/log/tiles/tile/entries/000.p/1');
    const key = (
      await call('POST', '/api/v1/auth/api-keys', '/api/v1/auth/api-keys', { name: 'ci', roles: ['ai_engineer'] }, admin)
    ).json();
    await call('GET', '/api/v1/auth/api-keys', '/api/v1/auth/api-keys', undefined, admin);
    await call('DELETE', '/api/v1/auth/api-keys/:id', `/api/v1/auth/api-keys/${key.id}`, undefined, admin);
    await call('POST', '/api/v1/keys/rotate', '/api/v1/keys/rotate', undefined, admin);
    await call('GET', '/api/v1/audit', '/api/v1/audit?page_size=3', undefined, admin);
    await call('GET', '/api/v1/auth/whoami', '/api/v1/auth/whoami', undefined, admin);
    await call('GET', '/api/v1/auth/whoami', '/api/v1/auth/whoami');
    await call(
      'GET',
      '/api/v1/evidence',
      `/api/v1/evidence?start_time=${encodeURIComponent(new Date(0).toISOString())}&end_time=${encodeURIComponent(new Date().toISOString())}&page_size=2`,
    );
    // errors, in both content types
    for (const accept of ['application/problem+json', 'application/json']) {
      await call(
        'POST',
        '/api/v1/evidence/sign',
        '/api/v1/evidence/sign',
        { evidence_package: { ...pkg, timestamp_utc: 'yesterday' } },
        { accept },
      );
      await call(
        'POST',
        '/api/v1/evidence/sign',
        '/api/v1/evidence/sign',
        { evidence_package: uniquePackage('x') },
        { accept, 'idempotency-key': 'k-openapi' },
      );
      await call('POST', '/api/v1/evidence/sign', '/api/v1/evidence/sign', '{"evidence_package":', {
        accept,
        'content-type': 'application/json',
      });
      await call('POST', '/api/v1/evidence/sign', '/api/v1/evidence/sign', 'hello', { accept, 'content-type': 'text/plain' });
      await call('GET', '/api/v1/workflows/:id/status', '/api/v1/workflows/nope/status', undefined, { accept });
      await call('GET', '/api/v1/workflows', '/api/v1/workflows?page_size=0', undefined, { accept });
      await call('POST', '/api/v1/keys/rotate', '/api/v1/keys/rotate', undefined, { accept });
      await call('GET', '/api/v1/log/proof', '/api/v1/log/proof?firstSize=5&lastSize=2', undefined, { accept });
      await call('GET', '/api/v1/log/tiles/tile/*', '/api/v1/log/tiles/tile/0/x000', undefined, { accept });
    }
    expect(mismatches).toEqual([]);
  });

  it('drops nothing from a receipt: the response schema serializes every field the core puts in it', async () => {
    const signed = (
      await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: { evidence_package: uniquePackage('openapi-whole') } })
    ).json();
    const core = JSON.parse(JSON.stringify(await app.notary.getReceipt(signed.workflow_id)));
    expect(core.rfc3161_timestamp).toBeTruthy();
    expect(core.bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
    expect(signed.receipt).toEqual(core);
    expect((await app.rest.inject(`/api/v1/workflows/${signed.workflow_id}/receipt`)).json()).toEqual(core);
  });

  it('serves Swagger UI at /swagger-ui from this process: page, scripts and styles, no CDN', async () => {
    const page = await app.rest.inject('/swagger-ui');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      expect(asset, 'served from here, not a CDN').toMatch(/^\/swagger-ui\//);
      const res = await app.rest.inject(asset);
      expect(res.statusCode, asset).toBe(200);
      expect(res.rawPayload.length, asset).toBeGreaterThan(100);
      expect(res.body, asset).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs|jsdelivr)/);
    }
    const init = (await app.rest.inject('/swagger-ui/static/swagger-initializer.js')).body;
    expect(init).toContain("resolveUrl('./json')");
    expect(init).toContain('validatorUrl: null'); // no call to the public validator badge service
  });
});
