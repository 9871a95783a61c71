/**
 * Offline receipt verification, one result per check. It trusts only the trust root: the hash is
 * recomputed, the signature checked with the trust root's key for key_version (never the key the
 * receipt carries), and SET, inclusion proof and checkpoint with the trust root's log key. The
 * checks themselves are the service's own (validate-receipt, core/transparency).
 */
import { createPublicKey } from 'node:crypto';
import { matchReceiptBundle } from '../core/bundle/index.js';
import { canonicalBytes, sha256 } from '../core/canonical.js';
import type { CanonicalEvidence, EvidencePackage } from '../core/evidence.js';
import { verifyLogEntry, type EntryCheck } from '../core/transparency/index.js';
import { toLogEntry, validateReceipt } from '../core/validate-receipt.js';
import type { TrustRoot } from './inputs.js';

export interface CheckResult {
  check: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export interface Verification {
  ok: boolean;
  checks: CheckResult[];
  warnings: string[];
}

type Obj = Record<string, unknown>;
const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
const fail = (check: string, detail: string): CheckResult => ({ check, status: 'fail', detail });
const ENTRY_CHECK_NAMES: Record<EntryCheck['check'], string> = {
  body: 'log entry body', set: 'SET', inclusion: 'inclusion proof', checkpoint: 'checkpoint',
};

export async function verifyReceiptOffline(pkg: Obj, receipt: Obj, trust: TrustRoot, now = new Date()): Promise<Verification> {
  const canonical = canonicalBytes(pkg);
  const digest = sha256(canonical);
  const evidence: CanonicalEvidence = { pkg: pkg as unknown as EvidencePackage, canonical, digest, hashHex: digest.toString('hex') };
  const keys = { publicKey: async (v: number) => trust.keys.get(v) };
  const report = await validateReceipt(evidence, receipt, keys, trust.log, now);
  const r = report.validation_result;
  const version = receipt.key_version;
  const key = typeof version === 'number' ? trust.keys.get(version) : undefined;

  const checks: CheckResult[] = [
    r.evidence_hash_valid
      ? pass('evidence hash', `${evidence.hashHex} (SHA-256 of the RFC 8785 bytes)`)
      : fail('evidence hash', `the receipt says ${String(receipt.evidence_package_hash)}, the evidence hashes to ${evidence.hashHex}`),
    r.signature_valid
      ? pass('signature', `ECDSA P-256 by ${key?.keyId || String(receipt.key_id)} v${String(version)} (key from the trust root)`)
      : fail('signature', key ? `does not verify with the trust root's key v${String(version)}` : `key_version ${String(version)} is not in the trust root`),
  ];

  const entry = toLogEntry(receipt);
  if (!entry) {
    checks.push(fail('transparency log', `no complete log entry (anchoring: ${String(receipt.anchoring)}); fetch the receipt again once anchored`));
  } else {
    const expected = { digestHex: evidence.hashHex, signature: Buffer.from(String(receipt.signature_b64), 'base64'), publicKeyPem: key?.publicKeyPem ?? '' };
    for (const c of verifyLogEntry(entry, createPublicKey(trust.log.publicKeyPem), expected)) {
      checks.push({ check: ENTRY_CHECK_NAMES[c.check], status: c.ok ? 'pass' : 'fail', detail: c.detail });
    }
  }
  checks.push(r.timestamp_valid
    ? pass('timestamp', entry ? `timestamp_utc is not after integrated_time ${entry.integratedTime}` : 'timestamp_utc is not in the future')
    : fail('timestamp', 'timestamp_utc is after the time it was logged, or integrated_time is in the future'));
  checks.push(checkBundle(receipt));
  // validate-receipt only warns about a mismatched bundle; here it is a failed check already
  const warnings = r.warnings.filter((w) => !w.startsWith('bundle: '));
  return { ok: checks.every((c) => c.status !== 'fail'), checks, warnings };
}

function checkBundle(receipt: Obj): CheckResult {
  const m = matchReceiptBundle(receipt, toLogEntry(receipt));
  switch (m.state) {
    case 'absent': return { check: 'bundle', status: 'skip', detail: 'absent (receipt issued before bundles)' };
    case 'pending': return { check: 'bundle', status: 'skip', detail: 'none while anchoring is pending' };
    case 'match': return pass('bundle', `Sigstore bundle v0.3, hint ${m.hint}, matches the receipt`);
    case 'mismatch': return fail('bundle', m.detail);
  }
}
