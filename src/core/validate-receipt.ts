import { createPublicKey } from 'node:crypto';
import type { PublicKeyVersion } from '../ports/key-signer.js';
import type { LogInfo } from '../ports/transparency-log.js';
import { matchReceiptBundle } from './bundle/index.js';
import type { CanonicalEvidence } from './evidence.js';
import { checkClaimedTime, checkKeyWindow, checkRfc3161, type TrustedTime } from './receipt-time.js';
import type { TrustedTimestampAuthority } from './timestamp/index.js';
import { isV2, verifyLogEntry, type EntryCheck } from './transparency/index.js';
import { verifiesWithKey } from './signature.js';
import { expectedAnchor } from './signing.js';
import { SIGNING_ALGORITHMS } from './signing-algorithm.js';
import { toLogEntry } from './receipt-entry.js';

export { toLogEntry };

export interface ValidationResult {
  signature_valid: boolean;
  evidence_hash_valid: boolean;
  rekor_entry_valid: boolean;
  timestamp_valid: boolean;
  warnings: string[];
}

/** One line of what was checked (the offline CLI prints these). */
export interface ReceiptCheck {
  check: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export interface ValidationReport {
  is_valid: boolean;
  validation_error: string | null;
  validation_result: ValidationResult;
  checks: ReceiptCheck[];
}

/** Everything a verifier trusts: the notary's key versions, its log's key, its timestamp authorities. */
export interface ReceiptTrust {
  keys: readonly PublicKeyVersion[];
  log: LogInfo;
  timestampAuthorities: readonly TrustedTimestampAuthority[];
}

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const num = (o: Obj, k: string) => (typeof o[k] === 'number' ? (o[k] as number) : undefined);
const ENTRY_CHECK_NAMES: Record<EntryCheck['check'], string> = {
  body: 'log entry body',
  set: 'SET',
  inclusion: 'inclusion proof',
  checkpoint: 'checkpoint',
};

/**
 * Checks a receipt against the evidence it claims to cover, trusting only the trust root's key
 * versions, log key and timestamp authorities, never the public key the receipt carries.
 */
export function validateReceipt(evidence: CanonicalEvidence, receipt: Obj, trust: ReceiptTrust, now: Date): ValidationReport {
  const checks: ReceiptCheck[] = [];
  const warnings: string[] = [];
  const add = (check: string, ok: boolean | 'skip', detail: string): boolean => {
    checks.push({ check, status: ok === 'skip' ? 'skip' : ok ? 'pass' : 'fail', detail });
    return ok === true;
  };

  const claimedHash = str(receipt, 'evidence_package_hash');
  const evidence_hash_valid = add(
    'evidence hash',
    claimedHash === evidence.hashHex,
    claimedHash === evidence.hashHex
      ? `${evidence.hashHex} (SHA-256 of the RFC 8785 bytes)`
      : `evidence_package_hash ${claimedHash ?? '(missing)'} does not match the package's hash ${evidence.hashHex}`,
  );

  const signature = Buffer.from(str(receipt, 'signature_b64') ?? '', 'base64');
  const version = num(receipt, 'key_version');
  const key = trust.keys.find((k) => k.version === version);
  let signatureOk = false;
  if (!key) add('signature', false, `key_version ${version ?? '(missing)'} is not a key version of this notary`);
  else if (signature.length === 0) add('signature', false, 'signature_b64 is missing');
  else {
    const ok = verifiesWithKey(evidence.canonical, key.publicKeyPem, signature);
    signatureOk = add(
      'signature',
      ok,
      ok
        ? `${SIGNING_ALGORITHMS[key.algorithm].label} by ${key.keyId} v${key.version} (key from the trust root)`
        : `does not verify with the trust root's key v${key.version}`,
    );
  }
  if (key && str(receipt, 'public_key_b64') !== Buffer.from(key.publicKeyPem).toString('base64')) {
    warnings.push("public_key_b64 differs from the trust root's key for this version; the trust root was used");
  }

  const entry = toLogEntry(receipt);
  // what the log must hold: the digest the trust root's key signs (SHA-384 for a P-384 key)
  const expected = expectedAnchor(evidence.canonical, key?.publicKeyPem ?? '', signature, evidence.hashHex);
  const pending = !entry && receipt.anchoring === 'pending';
  let rekor_entry_valid = false;
  if (!entry) {
    add(
      'transparency log',
      pending ? 'skip' : false,
      pending ? 'not anchored yet (anchoring: pending)' : `no complete log entry (anchoring: ${String(receipt.anchoring)})`,
    );
    if (pending) warnings.push('the signature is not anchored in the transparency log yet');
  } else {
    const entryChecks = verifyLogEntry(entry, createPublicKey(trust.log.publicKeyPem), expected, {
      keyName: trust.log.apiVersion === 2 ? trust.log.keyName : undefined,
    });
    rekor_entry_valid = entryChecks.map((c) => add(ENTRY_CHECK_NAMES[c.check], c.ok, c.detail)).every(Boolean);
  }

  const times: TrustedTime[] = [];
  const stamp = receipt.rfc3161_timestamp;
  let rfc3161Ok = true;
  if (stamp !== undefined && stamp !== null) {
    const r = checkRfc3161(stamp, signature, trust.timestampAuthorities);
    rfc3161Ok = add('RFC 3161 timestamp', r.ok, r.detail);
    if (r.ok && r.time) times.push(r.time);
  } else if (entry && isV2(entry)) {
    rfc3161Ok = add('RFC 3161 timestamp', false, 'a Rekor v2 entry carries no time: the receipt needs its RFC 3161 timestamp');
  } else {
    add('RFC 3161 timestamp', 'skip', 'none on this receipt');
  }
  if (entry && rekor_entry_valid && !isV2(entry) && entry.integratedTime !== undefined) {
    times.push({ source: 'log integrated time', at: new Date(entry.integratedTime * 1000) });
  }

  let keyOk = true;
  if (key) {
    const k = checkKeyWindow(trust.keys, key.version, times);
    if (times.length === 0) {
      add('key validity', 'skip', k.detail);
      warnings.push("no trusted time (timestamp or log entry): the key version's validity was not checked");
    } else {
      keyOk = add('key validity', k.ok, k.detail);
    }
  }
  const claimed = checkClaimedTime(evidence.pkg.timestamp_utc, times, now);
  const claimedOk = add('timestamp', claimed.ok, claimed.detail);

  // The bundle only restates the fields checked above; one that says otherwise is flagged, not trusted.
  const bundle = matchReceiptBundle(receipt, entry, expected.hashAlgorithm && { hash: expected.hashAlgorithm, hex: expected.digestHex });
  if (bundle.state === 'mismatch') warnings.push(`bundle: ${bundle.detail}; Sigstore verifiers will reject it`);
  checks.push(
    bundle.state === 'match'
      ? { check: 'bundle', status: 'pass', detail: `Sigstore bundle v0.3, hint ${bundle.hint}, matches the receipt` }
      : bundle.state === 'mismatch'
        ? { check: 'bundle', status: 'fail', detail: bundle.detail }
        : {
            check: 'bundle',
            status: 'skip',
            detail:
              bundle.state === 'absent' ? 'absent (receipt issued before bundles)' : 'none while anchoring or timestamping is pending',
          },
  );

  const signature_valid = signatureOk && keyOk;
  const timestamp_valid = rfc3161Ok && claimedOk;
  const is_valid = evidence_hash_valid && signature_valid && timestamp_valid && (rekor_entry_valid || pending);
  const failed = checks.find((c) => c.status === 'fail' && c.check !== 'bundle');
  return {
    is_valid,
    validation_error: failed ? `${failed.check}: ${failed.detail}` : null,
    validation_result: { signature_valid, evidence_hash_valid, rekor_entry_valid, timestamp_valid, warnings },
    checks,
  };
}
