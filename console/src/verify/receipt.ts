/**
 * A receipt verified in the browser, independently of the server that issued it: the checks of the
 * offline CLI (src/cli/verify.ts) under the same names, against the trust root the user pinned.
 * RFC 8785 bytes, Merkle proofs, entry and note parsing and the bundle comparison run the service's
 * own code (src/core, bundled); SHA-256 of the evidence and every signature use WebCrypto.
 */
import { matchReceiptBundle } from '../../../src/core/bundle/match.js';
import { canonicalBytes } from '../../../src/core/canonical.js';
import type { EntryCheck } from '../../../src/core/transparency/verify-entry.js';
import { toLogEntry } from '../../../src/core/validate-receipt.js';
import type { CheckResult, Verification as CliVerification } from '../../../src/cli/verify.js';
import { verifyEntry } from './entry.js';
import type { SigningKey, TrustRoot } from './trust-root.js';
import { sha256, toHex, verifySignature } from './webcrypto.js';

export type { CheckResult };

/** The offline CLI's result, plus what the verdict rests on for the page to say. */
export interface Verification extends CliVerification {
  trusted: { fingerprint: string; key?: Pick<SigningKey, 'keyId' | 'version'>; logId: string; origin: string };
}

type Obj = Record<string, unknown>;
/** Allowed disagreement between clocks (evidence timestamp vs log integration time), as the core allows. */
const CLOCK_SKEW_SECONDS = 300;
const ENTRY_CHECK_NAMES: Record<EntryCheck['check'], string> = {
  body: 'log entry body', set: 'SET', inclusion: 'inclusion proof', checkpoint: 'checkpoint',
};
const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
const fail = (check: string, detail: string): CheckResult => ({ check, status: 'fail', detail });

export async function verifyReceipt(pkg: Obj, receipt: Obj, trust: TrustRoot, now = new Date()): Promise<Verification> {
  const canonical = canonicalBytes(pkg);
  const hashHex = toHex(await sha256(canonical));
  const checks: CheckResult[] = [];
  const warnings: string[] = [];

  const claimed = receipt.evidence_package_hash;
  checks.push(claimed === hashHex
    ? pass('evidence hash', `${hashHex} (SHA-256 of the RFC 8785 bytes)`)
    : fail('evidence hash', `the receipt says ${String(claimed)}, the evidence hashes to ${hashHex}`));

  const signature = Buffer.from(typeof receipt.signature_b64 === 'string' ? receipt.signature_b64 : '', 'base64');
  const version = receipt.key_version;
  const key = trust.keys.find((k) => k.version === version);
  if (!key) checks.push(fail('signature', `key_version ${String(version)} is not in the trust root`));
  else if (signature.length === 0) checks.push(fail('signature', 'signature_b64 is missing'));
  else {
    checks.push(await verifySignature(key.key, signature, canonical)
      ? pass('signature', `ECDSA P-256 by ${key.keyId || String(receipt.key_id)} v${key.version} (key from the trust root)`)
      : fail('signature', `does not verify with the trust root's key v${key.version}`));
    if (receipt.public_key_b64 !== Buffer.from(key.publicKeyPem).toString('base64')) {
      warnings.push('public_key_b64 differs from the trust root\'s key for this version; the trust root was used');
    }
  }

  const entry = toLogEntry(receipt);
  if (!entry) {
    checks.push(fail('transparency log', `no complete log entry (anchoring: ${String(receipt.anchoring)}); fetch the receipt again once anchored`));
    if (receipt.anchoring === 'pending') warnings.push('the signature is not anchored in the transparency log yet');
  } else {
    const expected = { digestHex: hashHex, signature, publicKeyPem: key?.publicKeyPem ?? '' };
    for (const c of await verifyEntry(entry, trust.log, expected)) {
      checks.push({ check: ENTRY_CHECK_NAMES[c.check], status: c.ok ? 'pass' : 'fail', detail: c.detail });
    }
  }
  checks.push(checkTime(pkg, entry?.integratedTime, now));

  const bundle = matchReceiptBundle(receipt, entry);
  checks.push(bundle.state === 'match' ? pass('bundle', `Sigstore bundle v0.3, hint ${bundle.hint}, matches the receipt`)
    : bundle.state === 'mismatch' ? fail('bundle', bundle.detail)
    : { check: 'bundle', status: 'skip', detail: bundle.state === 'absent' ? 'absent (receipt issued before bundles)' : 'none while anchoring is pending' });

  return {
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    warnings,
    trusted: { fingerprint: trust.fingerprint, key: key && { keyId: key.keyId, version: key.version }, logId: trust.log.logId, origin: trust.log.origin },
  };
}

/** The package's timestamp_utc is not after it was logged, and the log's time is not in the future (validate-receipt's rule). */
function checkTime(pkg: Obj, integratedTime: number | undefined, now: Date): CheckResult {
  const claimed = Date.parse(String(pkg.timestamp_utc)) / 1000;
  const nowS = now.getTime() / 1000;
  const late = claimed > (integratedTime ?? nowS) + CLOCK_SKEW_SECONDS || (integratedTime !== undefined && integratedTime > nowS + CLOCK_SKEW_SECONDS);
  if (late) return fail('timestamp', 'timestamp_utc is after the time it was logged, or integrated_time is in the future');
  return pass('timestamp', integratedTime !== undefined ? `timestamp_utc is not after integrated_time ${integratedTime}` : 'timestamp_utc is not in the future');
}
