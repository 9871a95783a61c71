import type { Statement } from '../statements.js';

/** Messages between the service and the PGlite worker thread. */
export type Request =
  | { id: number; op: 'query'; text: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'exec'; script: string }
  | { id: number; op: 'batch'; statements: Statement[] }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type Reply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: SerializedError };

/** A database error's message and its own fields (code, detail, constraint …), which postMessage would drop. */
export type SerializedError = { message: string; name: string; fields: Record<string, unknown> };

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return { message: err.message, name: err.name, fields };
}

export function deserializeError(e: SerializedError): Error {
  const err = Object.assign(new Error(e.message), e.fields);
  err.name = e.name;
  return err;
}
