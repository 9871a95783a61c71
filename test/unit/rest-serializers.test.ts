import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRouteSerializer, reachable } from '../../src/api/rest/serializers.js';
import { sharedSchemas } from '../../src/api/rest/schemas/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';

const named = {
  Outer: { $id: 'Outer', type: 'object', properties: { inner: { $ref: 'Inner#' }, self: { $ref: '#/properties/inner' } } },
  Inner: { $id: 'Inner', type: 'object', properties: { leaf: { type: 'array', items: { $ref: 'Leaf#' } } } },
  Leaf: { $id: 'Leaf', type: 'object', properties: { n: { type: 'integer' } } },
  Unrelated: { $id: 'Unrelated', type: 'string' },
};

describe('response serializers compiled with the named schemas each route reaches', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('follows refs through named schemas, not into local pointers or unrelated schemas', () => {
    expect(Object.keys(reachable({ type: 'object', properties: { o: { $ref: 'Outer#' } } }, named)).sort()).toEqual([
      'Inner',
      'Leaf',
      'Outer',
    ]);
    expect(reachable({ type: 'string' }, named)).toEqual({});
  });

  it("serializes what fastify's default compiler serializes (extra properties dropped, nested refs resolved)", async () => {
    const body = { wrap: { inner: { leaf: [{ n: 1, secret: 'x' }] }, extra: true }, dropped: 1 };
    const answers: string[] = [];
    for (const serializer of [undefined, buildRouteSerializer()]) {
      const app = Fastify(serializer ? { schemaController: { compilersFactory: { buildSerializer: serializer } } } : {});
      apps.push(app);
      for (const schema of Object.values(named)) app.addSchema(schema);
      app.get('/', { schema: { response: { 200: { type: 'object', properties: { wrap: { $ref: 'Outer#' } } } } } }, async () => body);
      answers.push((await app.inject('/')).body);
    }
    expect(answers[1]).toBe(answers[0]);
    expect(JSON.parse(answers[1]!)).toEqual({ wrap: { inner: { leaf: [{ n: 1 }] } } });
  });

  it("hands a route far fewer schemas than the service's shared set", () => {
    const shared = Object.fromEntries(sharedSchemas(DEFAULT_LIMITS).map((s) => [s.$id as string, s as Record<string, unknown>]));
    const problem = reachable({ $ref: 'Problem#' }, shared);
    expect(Object.keys(problem)).toEqual(['Problem']);
    expect(Object.keys(shared).length).toBeGreaterThan(10);
  });
});
