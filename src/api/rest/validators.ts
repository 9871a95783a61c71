import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { isStorableTimestamp } from '../../core/integrity.js';

const common: Options = { removeAdditional: false, allErrors: false, strict: false };

/**
 * Two schema compilers. Bodies are never rewritten: no type coercion (`approvers: [1, 2]` is
 * refused, not stored as ["1","2"]) and no defaults, because what a body says is signed or recorded.
 * Query strings, path parameters and headers arrive as text, so those are coerced (`page_size=20`
 * is a number) and take their schema defaults.
 */
export function registerValidators(app: FastifyInstance): void {
  const body = withFormats(new Ajv({ ...common, coerceTypes: false, useDefaults: false }));
  const text = withFormats(new Ajv({ ...common, coerceTypes: 'array', useDefaults: true }));
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object));
}

/**
 * ajv-formats, with `date-time` narrowed to what the database can compare against: a real day in
 * years 0001-9999 and an offset within ±15:59 (`start_time=0000-01-01T00:00:00Z` is a 400, not a 500).
 */
function withFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv);
  return ajv.addFormat('date-time', { type: 'string', validate: isStorableTimestamp });
}
