/**
 * `afdp-notary sign`: notarizes an evidence package from a shell or a pipeline step, through the
 * typed client (@afdp-notary/client): an idempotency key on every request (given, or made once per
 * run and reused by its retries), retries with backoff on 429/503, optionally waiting until the
 * signature is in the transparency log.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createRestClient, NotaryError, type EvidencePackageInput, type SignResult } from '@afdp-notary/client/rest';
import { InputError, readEvidence } from './inputs.js';
import type { Io } from './io.js';

export const SIGN_HELP = `Usage: afdp-notary sign <evidence.json | -> [--url <url>] [--wait anchored] [--wait-timeout <s>]
                        [--out <receipt.json>] [--idempotency-key <key>] [--api-key <key> | --token <token>] [--json]

Signs an evidence package (a file, or - for standard input; bare or as {"evidence_package": …}).

  --url              the notary's REST address (default $AFDP_NOTARY_URL, else http://localhost:3030)
  --wait anchored    answer only once the signature is in the transparency log
  --wait-timeout     how long --wait may take, in seconds (default 60)
  --out              write the sign response {workflow_id, status, receipt, warnings} to this file,
                     the --receipt that \`afdp-notary verify\` reads
  --idempotency-key  send this key: running the command again returns the same receipt, never a
                     second signature (default: a new key per run, reused by its retries)
  --api-key          an API key (default $AFDP_NOTARY_API_KEY), sent as X-API-Key
  --token            a bearer token (default $AFDP_NOTARY_TOKEN): OIDC access token or admin token
  --json             print the sign response (with idempotency_key and replayed) as JSON;
                     on failure {"error": {kind, code, http_status, field, message}}

Exit status: 0 signed (and anchored, with --wait anchored); 1 the service refused the package or it
was not anchored in time; 2 usage or input error, or the service could not be reached or stayed
unavailable through the retries.`;

const DEFAULT_URL = 'http://localhost:3030';

export async function runSign(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let opts;
  try {
    opts = parseSignArgs(argv, env);
  } catch (err) {
    io.err(`afdp-notary sign: ${(err as Error).message}\n\n${SIGN_HELP}`);
    return 2;
  }
  if (opts === 'help') {
    io.out(SIGN_HELP);
    return 0;
  }
  const report = (code: number, error: { kind: string; code: string; http_status?: number; field?: string; message: string }) => {
    if (opts.json) io.out(JSON.stringify({ error }));
    io.err(`afdp-notary sign: ${error.message}`);
    return code;
  };
  let evidence: EvidencePackageInput;
  try {
    evidence = readEvidence(parseJson(await readInput(opts.file), opts.file), opts.file) as unknown as EvidencePackageInput;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return report(2, { kind: 'input', code: 'input', message: err.message });
  }
  const client = createRestClient({ url: opts.url, apiKey: opts.apiKey, bearerToken: opts.token });
  let signed: SignResult;
  try {
    signed = await client.sign(evidence, {
      idempotencyKey: opts.idempotencyKey,
      waitAnchoredMs: opts.waitMs ? Math.min(opts.waitMs, 30_000) : undefined,
    });
    if (opts.waitMs && signed.receipt.anchoring !== 'anchored') {
      // the service waits at most 30 s in one request; the rest of --wait-timeout is spent polling
      signed = { ...signed, receipt: await client.waitAnchored(signed.workflow_id, { timeoutMs: Math.max(0, opts.waitMs - 30_000) }) };
    }
  } catch (err) {
    if (!(err instanceof NotaryError)) throw err;
    const code = err.kind === 'refused' || err.code === 'not_anchored' ? 1 : 2;
    return report(code, {
      kind: err.kind,
      code: err.code,
      http_status: err.details.httpStatus,
      field: err.details.field,
      message: err.message,
    });
  }
  const response = { workflow_id: signed.workflow_id, status: signed.status, receipt: signed.receipt, warnings: signed.warnings };
  if (opts.out) await writeFile(opts.out, `${JSON.stringify(response, null, 2)}\n`);
  if (opts.json) {
    io.out(JSON.stringify({ ...response, idempotency_key: signed.idempotencyKey, replayed: signed.replayed }, null, 2));
  } else {
    const r = signed.receipt;
    io.out(`signed${signed.replayed ? ' (replayed: this idempotency key was signed before)' : ''}: workflow ${signed.workflow_id}`);
    io.out(`evidence_package_hash ${r.evidence_package_hash}`);
    io.out(
      `key ${r.key_id} v${r.key_version} · ${r.anchoring === 'anchored' ? `anchored at log index ${r.log_index}` : 'anchoring pending'}`,
    );
    for (const w of signed.warnings) io.out(`! ${w}`);
    if (opts.out) io.out(`receipt written to ${opts.out}`);
  }
  return 0;
}

interface SignArgs {
  file: string;
  url: string;
  waitMs: number;
  out?: string;
  idempotencyKey?: string;
  apiKey?: string;
  token?: string;
  json: boolean;
}

function parseSignArgs(argv: string[], env: Record<string, string | undefined>): SignArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      wait: { type: 'string' },
      'wait-timeout': { type: 'string' },
      out: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1)
    throw new Error(positionals.length ? `one evidence file, got ${positionals.length}` : 'missing <evidence.json>');
  if (values.wait !== undefined && values.wait !== 'anchored') throw new Error(`--wait takes "anchored", got "${values.wait}"`);
  const timeoutS = values['wait-timeout'] === undefined ? 60 : Number(values['wait-timeout']);
  if (!(timeoutS > 0 && timeoutS <= 3600)) throw new Error('--wait-timeout takes seconds, 1 to 3600');
  const url = values.url ?? env.AFDP_NOTARY_URL ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new Error(`--url must be an http(s) URL, got "${url}"`);
  const key = values['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key))
    throw new Error('--idempotency-key takes 1 to 255 printable ASCII characters');
  return {
    file: positionals[0]!,
    url,
    waitMs: values.wait ? timeoutS * 1000 : 0,
    out: values.out,
    idempotencyKey: key,
    apiKey: values['api-key'] ?? env.AFDP_NOTARY_API_KEY,
    token: values.token ?? env.AFDP_NOTARY_TOKEN,
    json: values.json!,
  };
}

async function readInput(file: string): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file} is not JSON: ${(err as Error).message}`);
  }
}
