/**
 * Small builders for the REST door's JSON schemas. One schema serves three purposes: request
 * validation, response serialization (fast-json-stringify) and the OpenAPI 3.1 document.
 */
export type Schema = Record<string, unknown>;

export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const bool = (extra: Schema = {}): Schema => ({ type: 'boolean', ...extra });
export const dateTime = (description?: string): Schema => ({ type: 'string', format: 'date-time', ...(description && { description }) });
export const hex64 = (description: string): Schema => ({ type: 'string', pattern: '^[0-9a-f]{64}$', description });
export const ref = (id: string, extra: Schema = {}): Schema => ({ $ref: `${id}#`, ...extra });
export const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });

/** The same schema, or null. */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema || !('type' in schema)) return { anyOf: [schema, { type: 'null' }] };
  const types = [schema.type].flat() as string[];
  return { ...schema, type: [...types, 'null'] };
}

/**
 * An object with exactly these properties: every one required unless listed in `optional`, no
 * others (what a generated client may rely on).
 */
export function closed(properties: Record<string, Schema>, optional: readonly string[] = [], extra: Schema = {}): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
    ...extra,
  };
}

/**
 * Marks a part of a request that the notary's core checks (with its own limits, I-JSON rules and
 * field-precise 422 answers), not the route's validator: the validator sees `{}` there, the
 * OpenAPI document the full schema. A test keeps the two in agreement.
 */
export const CHECKED_BY_CORE = 'x-checked-by-core';

/** A 2xx response whose JSON body is the named schema, with an example for the document. */
export const jsonResponse = (id: string, description: string, example: unknown): Schema => ({
  description,
  content: { 'application/json': { schema: ref(id), example } },
});
