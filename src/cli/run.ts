/**
 * `afdp-notary` commands. Exit codes: 0 every check passed, 1 a check failed, 2 usage or
 * input error (missing option, unreadable file, not JSON, not a receipt / trust root).
 * Verification touches no network: it is offline by construction (`sign` is the one command that
 * talks to a service).
 */
import { parseArgs } from 'node:util';
import { AUDIT_HELP, runAuditVerify } from './audit-verify.js';
import { readJsonFile } from './files.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Io } from './io.js';
import { InputError, readEvidence, readReceipt, readTrustRoot } from './inputs.js';
import { LOG_HELP, runLogVerify } from './log-verify.js';
import { runSign, SIGN_HELP } from './sign.js';
import { runTrustRoot, TRUST_ROOT_HELP } from './trust-root.js';
import { verifyReceiptOffline, type Verification } from './verify.js';

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Io } from './io.js';

export const HELP = `Usage: afdp-notary verify --evidence <e.json> --receipt <r.json> --trust-root <t.json> [--json]
       afdp-notary audit verify [--trust-root <t.json>] [--state <file>] [--json]
       afdp-notary log verify --url <log URL> --trust-root <t.json> --state <file> [--interval <s>] [--json]
       afdp-notary sign <evidence.json> [--url <url>] [--wait anchored] [--out <receipt.json>] [--json] …

Verifies an AFDP Notary receipt offline, trusting only the trust root:
  evidence hash    SHA-256 of the RFC 8785 bytes of the evidence package
  signature        ECDSA P-256, with the trust root's key for the receipt's key_version
  log entry body   the hashedrekord entry (0.0.1, or 0.0.2 from Rekor v2) holds this hash, signature and key
  SET              the log's signed entry timestamp, with the trust root's log key (not on Rekor v2)
  inclusion proof  RFC 6962 proof from the entry to the proof's root hash
  checkpoint       the log's signed checkpoint commits to that root and tree size
  RFC 3161 timestamp  the timestamp over the signature, from a timestamp authority of the trust root
  key validity     the key version was valid (not yet rotated) when the signature was timestamped or logged
  timestamp        timestamp_utc is not after the time the signature was timestamped or logged
  bundle           the Sigstore bundle, if any, says exactly what the receipt says

  --evidence    the evidence package (or a {"evidence_package": …} request body)
  --receipt     a receipt, or the whole sign response {workflow_id, status, receipt}
  --trust-root  the output of GET /api/v1/trust-root
  --json        print {ok, checks, warnings} as JSON instead of lines

Exit status: 0 all checks passed, 1 a check failed, 2 usage or input error.

${AUDIT_HELP}

${LOG_HELP}
${SIGN_HELP}

${TRUST_ROOT_HELP}

Usage: afdp-notary backup --out <dir|file.tar> [--url <service url>]
       afdp-notary restore <backup> --data-dir <empty dir> [--database-url <url>]
  a consistent, checksummed backup of the database, keyring, trust root and latest checkpoint, and
  its restore into an empty folder or database (afdp-notary backup --help)
       afdp-notary rewrap [--rotate] [--retire-old]
  rotates the evidence encryption key, wraps every stored body's data key with the newest version and retires old versions
       afdp-notary hsm rotate|keys
  a new PKCS#11 signing key version generated in the token, or the versions it holds (afdp-notary hsm --help)`;

export async function run(argv: string[], io: Io): Promise<number> {
  // the other commands have options of their own
  if (argv[0] === 'audit' && argv[1] === 'verify') return runAuditVerify(argv.slice(2), io);
  if (argv[0] === 'log' && argv[1] === 'verify') return runLogVerify(argv.slice(2), io);
  if (argv[0] === 'sign') return runSign(argv.slice(1), io);
  if (argv[0] === 'trust-root') return runTrustRoot(argv.slice(1), io);
  // loaded on demand: they pull in the database layer, which `verify` (offline) never needs
  if (argv[0] === 'backup') return (await import('./backup/backup.js')).runBackup(argv.slice(1), io);
  if (argv[0] === 'rewrap') return (await import('./rewrap.js')).runRewrap(argv.slice(1), io);
  if (argv[0] === 'hsm') return (await import('./hsm.js')).runHsm(argv.slice(1), io);
  if (argv[0] === 'restore') return (await import('./backup/restore.js')).runRestore(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        evidence: { type: 'string' },
        receipt: { type: 'string' },
        'trust-root': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1 || positionals[0] !== 'verify') return usage(io, `unknown command: ${positionals.join(' ') || '(none)'}`);
  const missing = (['evidence', 'receipt', 'trust-root'] as const).filter((k) => !values[k]);
  if (missing.length) return usage(io, `missing ${missing.map((k) => `--${k}`).join(', ')}`);

  try {
    const evidence = readEvidence(await readJson(values.evidence!), values.evidence!);
    const receipt = readReceipt(await readJson(values.receipt!), values.receipt!);
    const trust = readTrustRoot(await readJson(values['trust-root']!), values['trust-root']!);
    const result = verifyReceiptOffline(evidence, receipt, trust);
    print(result, values.json!, io);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.err(`afdp-notary: ${err.message}`);
    return EXIT_USAGE;
  }
}

const readJson = readJsonFile;

const MARK = { pass: '✓', fail: '✗', skip: '-' } as const;

function print(result: Verification, json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify(result, null, 2));
    return;
  }
  for (const c of result.checks) io.out(`${MARK[c.status]} ${c.check}: ${c.detail}`);
  for (const w of result.warnings) io.out(`! ${w}`);
  const failed = result.checks.filter((c) => c.status === 'fail').length;
  io.out(result.ok ? 'receipt verified offline' : `receipt NOT verified: ${failed} check${failed === 1 ? '' : 's'} failed`);
}

function usage(io: Io, message: string): number {
  io.err(`afdp-notary: ${message}\n\n${HELP}`);
  return EXIT_USAGE;
}
