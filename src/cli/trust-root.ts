/**
 * `afdp-notary trust-root`: the trust root a verifier keeps. From a running service (`--url`, GET
 * /api/v1/trust-root) or a kept file (`--trust-root`); `--sigstore` converts it into a Sigstore
 * TrustedRoot (tlogs, timestamp authorities) and, with `--keys-out`, the signing keys as the
 * `{hint: PublicKey}` map Sigstore verifiers take for managed keys.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { toSigstoreTrustMaterial } from '../core/bundle/trusted-root.js';
import { InputError, readTrustRoot } from './inputs.js';
import type { Io } from './io.js';

export const TRUST_ROOT_HELP = `Usage: afdp-notary trust-root (--url <service> | --trust-root <t.json>) [--sigstore [--keys-out <keys.json>]]

Prints the notary's trust root: every signing-key version, the transparency log's key and the
timestamp authorities' certificate chains. Keep it with your receipts: it is all a verifier needs.

  --url         the service's base URL (reads GET /api/v1/trust-root)
  --trust-root  a trust root kept earlier (the output of this command or of that endpoint)
  --sigstore    print it as a Sigstore TrustedRoot (application/vnd.dev.sigstore.trustedroot.v0.2+json)
  --keys-out    with --sigstore: write the signing keys, {"<key_id>:v<version>": PublicKey}, to this file

Exit status: 0 written, 2 usage or input error.`;

export async function runTrustRoot(argv: string[], io: Io): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        'trust-root': { type: 'string' },
        sigstore: { type: 'boolean', default: false },
        'keys-out': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (values.help) {
    io.out(TRUST_ROOT_HELP);
    return 0;
  }
  if (!values.url === !values['trust-root']) return usage(io, 'give exactly one of --url and --trust-root');
  if (values['keys-out'] && !values.sigstore) return usage(io, '--keys-out needs --sigstore');
  try {
    const raw = values.url ? await fetchTrustRoot(values.url) : await readJson(values['trust-root']!);
    const trust = readTrustRoot(raw, values.url ?? values['trust-root']!);
    if (!values.sigstore) {
      io.out(JSON.stringify(raw, null, 2));
      return 0;
    }
    const material = toSigstoreTrustMaterial(trust.keys, trust.log, trust.timestampAuthorityInfos);
    if (values['keys-out']) await writeFile(values['keys-out'], `${JSON.stringify(material.keys, null, 2)}\n`);
    io.out(JSON.stringify(material.trustedRoot, null, 2));
    return 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.err(`afdp-notary: ${err.message}`);
    return 2;
  }
}

async function fetchTrustRoot(base: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/trust-root', base), { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new InputError(`cannot reach ${base}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new InputError(`${base}/api/v1/trust-root answered HTTP ${res.status}`);
  return res.json();
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
}

function usage(io: Io, message: string): number {
  io.err(`afdp-notary: ${message}\n\n${TRUST_ROOT_HELP}`);
  return 2;
}
