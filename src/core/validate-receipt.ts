import { createPublicKey } from 'node:crypto';
import type { KeySigner } from '../ports/key-signer.js';
import type { LogEntry, LogInfo } from '../ports/transparency-log.js';
import { matchReceiptBundle } from './bundle/index.js';
import type { CanonicalEvidence } from './evidence.js';
import { describeFailures, entryIsValid, verifyLogEntry } from './transparency/index.js';
import { verifiesSha256 } from './signature.js';

export interface ValidationResult {
  signature_valid: boolean;
  evidence_hash_valid: boolean;
  rekor_entry_valid: boolean;
  timestamp_valid: boolean;
  warnings: string[];
}

export interface ValidationReport {
  is_valid: boolean;
  validation_error: string | null;
  validation_result: ValidationResult;
}

/** Allowed disagreement between clocks (evidence timestamp vs log integration time). */
const CLOCK_SKEW_SECONDS = 300;

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const num = (o: Obj, k: string) => (typeof o[k] === 'number' ? (o[k] as number) : undefined);

/**
 * Checks a receipt against the evidence it claims to cover, trusting only our own key versions
 * and our log's key, never the public key the receipt carries.
 */
export async function validateReceipt(
  evidence: CanonicalEvidence, receipt: Obj, signer: Pick<KeySigner, 'publicKey'>, log: LogInfo, now: Date,
): Promise<ValidationReport> {
  const warnings: string[] = [];
  const errors: string[] = [];
  const fail = (msg: string): false => { errors.push(msg); return false; };

  const claimedHash = str(receipt, 'evidence_package_hash');
  const evidence_hash_valid = claimedHash === evidence.hashHex
    || fail(`evidence_package_hash ${claimedHash ?? '(missing)'} does not match the package's hash ${evidence.hashHex}`);

  const signature = Buffer.from(str(receipt, 'signature_b64') ?? '', 'base64');
  const version = num(receipt, 'key_version');
  const key = version === undefined ? undefined : await signer.publicKey(version);
  let signature_valid = false;
  if (!key) fail(`key_version ${version ?? '(missing)'} is not a key version of this notary`);
  else if (signature.length === 0) fail('signature_b64 is missing');
  else signature_valid = verifiesSha256(evidence.canonical, key.publicKeyPem, signature) || fail(`signature does not verify with key version ${version}`);
  if (key && str(receipt, 'public_key_b64') !== Buffer.from(key.publicKeyPem).toString('base64')) {
    warnings.push('public_key_b64 differs from the trust root\'s key for this version; the trust root was used');
  }

  const entry = toLogEntry(receipt);
  let rekor_entry_valid = false;
  if (!entry && receipt.anchoring !== 'pending') {
    fail('the receipt carries no complete transparency log entry');
  } else if (!entry) {
    warnings.push('the signature is not anchored in the transparency log yet');
  } else {
    const checks = verifyLogEntry(entry, createPublicKey(log.publicKeyPem), { digestHex: evidence.hashHex, signature, publicKeyPem: key?.publicKeyPem ?? '' });
    rekor_entry_valid = entryIsValid(checks) || fail(`transparency log entry: ${describeFailures(checks)}`);
  }

  // The bundle only restates the fields checked above; one that says otherwise is flagged, not trusted.
  const bundle = matchReceiptBundle(receipt, entry);
  if (bundle.state === 'mismatch') warnings.push(`bundle: ${bundle.detail}; Sigstore verifiers will reject it`);

  const timestamp_valid = checkTime(evidence, entry, now, fail);
  const anchoredOrPending = rekor_entry_valid || (!entry && receipt.anchoring === 'pending');
  const is_valid = evidence_hash_valid && signature_valid && timestamp_valid && anchoredOrPending;
  return {
    is_valid,
    validation_error: errors[0] ?? null,
    validation_result: { signature_valid, evidence_hash_valid, rekor_entry_valid, timestamp_valid, warnings },
  };
}

function checkTime(evidence: CanonicalEvidence, entry: LogEntry | undefined, now: Date, fail: (m: string) => false): boolean {
  const claimed = Date.parse(evidence.pkg.timestamp_utc) / 1000;
  const limit = (entry?.integratedTime ?? now.getTime() / 1000) + CLOCK_SKEW_SECONDS;
  if (claimed > limit) return fail(`timestamp_utc ${evidence.pkg.timestamp_utc} is after the time it was logged`);
  if (entry && entry.integratedTime > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) return fail('integrated_time is in the future');
  return true;
}


/**
 * The log's ID. Receipts issued before `transparency_log_id` existed carried it in `rekor_log_id`,
 * which now holds the entry UUID (AFDP's meaning): such a receipt still verifies.
 */
function logIdOf(r: Obj, uuid: string | undefined): string | undefined {
  const id = str(r, 'transparency_log_id');
  if (id !== undefined) return id;
  const legacy = str(r, 'rekor_log_id');
  return legacy !== undefined && legacy !== uuid ? legacy : undefined;
}

/** The receipt's flat log-entry fields as a LogEntry, or undefined if any is missing (pending). */
export function toLogEntry(r: Obj): LogEntry | undefined {
  const proof = r.inclusion_proof as LogEntry['inclusionProof'] | null | undefined;
  const uuid = str(r, 'rekor_entry_uuid');
  const logIndex = num(r, 'log_index');
  const integratedTime = num(r, 'integrated_time');
  const logID = logIdOf(r, uuid);
  const body = str(r, 'rekor_entry_body');
  const set = str(r, 'signed_entry_timestamp');
  if (!proof || typeof proof !== 'object' || uuid === undefined || logIndex === undefined || integratedTime === undefined
    || logID === undefined || body === undefined || set === undefined) return undefined;
  return { uuid, logIndex, integratedTime, logID, body, inclusionProof: proof, signedEntryTimestamp: set };
}
