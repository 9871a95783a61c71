import AjvCompiler from '@fastify/ajv-compiler';
import type { Ajv, Options } from 'ajv';
import { isStorableTimestamp } from '../../core/integrity.js';
import { CHECKED_BY_CORE } from './schemas/index.js';

const common: Options = { removeAdditional: false, allErrors: false, strict: false };
/** Bodies are never rewritten: no coercion (`approvers: [1, 2]` is refused, not stored as ["1","2"]), no defaults. */
const BODY: Options = { ...common, coerceTypes: false, useDefaults: false };
/** Query strings, path parameters and headers arrive as text: coerced (`page_size=20` is a number), with defaults. */
const TEXT: Options = { ...common, coerceTypes: 'array', useDefaults: true };

type Json = unknown;

/** The schema as the route validator sees it: parts marked CHECKED_BY_CORE accept anything. */
export function forRouteValidation(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(forRouteValidation);
  if (typeof schema !== 'object' || schema === null) return schema;
  if ((schema as Record<string, unknown>)[CHECKED_BY_CORE] === true) return {};
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, forRouteValidation(v)]));
}

/**
 * fastify's own validator compiler (so the shared named schemas resolve), in two flavours: bodies
 * without coercion or defaults, text parts with both. Each route schema is compiled without the
 * parts the core checks: an evidence package is documented in full but validated once, by the core,
 * which every door shares and which answers 422 naming the field (and lets one bad batch item fail alone).
 * `date-time` is narrowed to what the database can compare against: a real day in years 0001-9999
 * and an offset within ±15:59 (`start_time=0000-01-01T00:00:00Z` is a 400, not a 500).
 */
export function buildRouteValidator(): AjvCompiler.BuildCompilerFromPool {
  const factory = AjvCompiler();
  return (externalSchemas, options) => {
    const onCreate = (ajv: Ajv) => {
      options?.onCreate?.(ajv as never);
      ajv.addFormat('date-time', { type: 'string', validate: isStorableTimestamp });
    };
    const body = factory(externalSchemas, { ...options, customOptions: { ...options?.customOptions, ...BODY }, onCreate } as never);
    const text = factory(externalSchemas, { ...options, customOptions: { ...options?.customOptions, ...TEXT }, onCreate } as never);
    return (definition) =>
      (definition.httpPart === 'body' ? body : text)({
        ...definition,
        schema: forRouteValidation(definition.schema) as typeof definition.schema,
      });
  };
}
