/**
 * Logs safe for personal and health data (issue 22): evidence packages may carry PHI, so no log
 * line at any level may hold evidence content. Two guards, both in the one logger every door uses:
 *
 * - redaction paths: request fields that hold evidence (`evidence_package`, `metadata`, bodies,
 *   payloads …) are censored wherever they are nested in a logged object; operators add their own
 *   with NOTARY_LOG_REDACT (pino redact paths);
 * - the error serializer: an error is logged as its type, code, stack frames and a message with
 *   every quoted fragment cut out. Drivers and parsers quote the offending input in their messages
 *   (PostgreSQL `invalid input syntax for type json: "…"`, `Key (x)=(…) already exists` in
 *   `detail`, JSON.parse's `"…" is not valid JSON`), and their other own properties (`detail`,
 *   `where`, `query`, `parameters`, `validation`) may hold it too: only a short allow-list of
 *   properties known to carry no input survives.
 */
import { stdSerializers } from 'pino';

/** Request fields that hold (or may hold) evidence content, censored wherever they appear. */
export const EVIDENCE_REDACT_PATHS = [
  'evidence_package',
  '*.evidence_package',
  'evidence_packages',
  '*.evidence_packages',
  'evidence',
  '*.evidence',
  'metadata',
  '*.metadata',
  'artifacts',
  '*.artifacts',
  'body',
  '*.body',
  'payload',
  '*.payload',
  'req.body',
  'request.body',
  'data',
  '*.data',
  'properties',
  '*.properties',
];

/** One pino redact path: dotted identifiers or `*`, and bracketed quoted keys, indices or `*`. */
const KEY = String.raw`(?:[A-Za-z_$][\w$-]*|\*)`;
const BRACKET = String.raw`\[(?:"[^"\\]*"|'[^'\\]*'|\d+|\*)\]`;
const REDACT_PATH = new RegExp(`^(?:${KEY}|${BRACKET})(?:\\.${KEY}|${BRACKET})*$`);

export const isRedactPath = (path: string): boolean => path.length <= 200 && REDACT_PATH.test(path);

// properties of driver and system errors that describe the failure, never the input
const SAFE_PROPERTIES = [
  'code',
  'errno',
  'syscall',
  'statusCode',
  'retryable',
  'field',
  'severity',
  'table',
  'column',
  'constraint',
  'routine',
  'dataType',
] as const;
const MAX_MESSAGE = 500;
// a single quote after a letter is an apostrophe (can't), not a quotation
const QUOTED = /"(?:[^"\\]|\\.)*"?|(?<!\w)'(?:[^'\\]|\\.)*'?|`[^`]*`?|\((?:[^()]*)\)=\((?:[^()]*)\)|«[^»]*»?/g;

/** A message with every quoted fragment (where drivers and parsers echo input) replaced by `"…"`. */
export function scrubMessage(message: string): string {
  const scrubbed = message.replace(QUOTED, '"…"');
  return scrubbed.length > MAX_MESSAGE ? `${scrubbed.slice(0, MAX_MESSAGE)}…` : scrubbed;
}

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  cause?: SafeError;
  [property: string]: unknown;
}

/** pino's `err` serializer, keeping only what describes the failure (see the module comment). */
export function safeError(err: unknown, depth = 0): SafeError | unknown {
  if (!(err instanceof Error)) {
    return typeof err === 'object' && err !== null
      ? { type: 'non-error object' }
      : { type: typeof err, message: scrubMessage(String(err)) };
  }
  const base = stdSerializers.err(err);
  const message = scrubMessage(err.message);
  const out: SafeError = { type: base.type, message };
  // the first stack line repeats the message: keep only the frames
  const frames = err.stack?.split('\n').filter((l) => /^\s+at /.test(l));
  if (frames?.length) out.stack = `${base.type}: ${message}\n${frames.join('\n')}`;
  for (const p of SAFE_PROPERTIES) {
    const v = (err as unknown as Record<string, unknown>)[p];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[p] = typeof v === 'string' ? scrubMessage(v) : v;
  }
  if (err.cause !== undefined && depth < 5) out.cause = safeError(err.cause, depth + 1) as SafeError;
  if (err instanceof AggregateError) out.errors = err.errors.slice(0, 10).map((e) => safeError(e, depth + 1));
  return out;
}
