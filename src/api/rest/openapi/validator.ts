import AjvCompiler from '@fastify/ajv-compiler';
import { CHECKED_BY_CORE } from '../schemas/index.js';

type Json = unknown;

/** The schema as the route validator sees it: parts marked CHECKED_BY_CORE accept anything. */
export function forRouteValidation(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(forRouteValidation);
  if (typeof schema !== 'object' || schema === null) return schema;
  if ((schema as Record<string, unknown>)[CHECKED_BY_CORE] === true) return {};
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, forRouteValidation(v)]));
}

/**
 * fastify's own validator compiler (same Ajv options), fed each route schema without the parts the
 * core checks: an evidence package is documented in full but validated once, by the core, which
 * every door shares and which answers with 422 naming the field (and lets one bad batch item fail alone).
 */
export function buildRouteValidator(): AjvCompiler.BuildCompilerFromPool {
  const base = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = base(externalSchemas, options);
    return (definition) => compile({ ...definition, schema: forRouteValidation(definition.schema) as typeof definition.schema });
  };
}
