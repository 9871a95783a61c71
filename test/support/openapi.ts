/**
 * Checks real responses against the service's own OpenAPI document: the schema documented for that
 * operation, status and content type. What a client generated from the document would rely on.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { toOpenApiPath } from '../../src/api/rest/openapi/coverage.js';

type Obj = Record<string, unknown>;
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Obj>>;
  components: { schemas: Record<string, Obj> } & Obj;
}

export async function loadDocument(rest: FastifyInstance): Promise<OpenApiDoc> {
  return (await rest.inject('/api-docs/openapi.json')).json() as OpenApiDoc;
}

/** A JSON Schema 2020-12 validator that resolves the document's `#/components/schemas/…` references. */
export function schemaValidator(doc: OpenApiDoc) {
  // strict off: OpenAPI adds its own keywords (example, x-…) to schema objects
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const rewrite = (s: unknown): unknown => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"doc#/components/'));
  return (schema: unknown, value: unknown): string[] => {
    const validate = ajv.compile(rewrite(schema) as Obj);
    return validate(value)
      ? []
      : (validate.errors ?? []).map(
          (e: { instancePath: string; message?: string; params: unknown }) =>
            `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
        );
  };
}

/** The documented schema for a response, or why there is none. */
export function documentedSchema(
  doc: OpenApiDoc,
  method: string,
  pattern: string,
  status: number,
  contentType: string,
): { schema?: unknown; problem?: string } {
  const path = toOpenApiPath(pattern);
  const op = doc.paths[path]?.[method.toLowerCase()] as
    { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined;
  if (!op) return { problem: `${method} ${path} is not in the document` };
  const response = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`];
  if (!response) return { problem: `${method} ${path}: status ${status} is not documented` };
  const media = contentType.split(';')[0]!.trim();
  const content = response.content?.[media];
  if (!content) return { problem: `${method} ${path} ${status}: content type ${media} is not documented` };
  return { schema: content.schema };
}

/** Every way `body` differs from what the document promises for this response ([] when it matches). */
export function responseMismatches(
  doc: OpenApiDoc,
  check: ReturnType<typeof schemaValidator>,
  req: { method: string; pattern: string },
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
): string[] {
  const contentType = String(res.headers['content-type'] ?? '');
  const found = documentedSchema(doc, req.method, req.pattern, res.statusCode, contentType);
  if (found.problem) return [found.problem];
  const value = /json/.test(contentType) ? (JSON.parse(res.body) as unknown) : res.body;
  return check(found.schema, value).map((e) => `${req.method} ${req.pattern} ${res.statusCode}: ${e}`);
}
