/**
 * Offline receipt verification, one result per check. It trusts only the trust root: the hash is
 * recomputed, the signature checked with the trust root's key for key_version (never the key the
 * receipt carries), the log entry with the trust root's log key, the RFC 3161 timestamp with its
 * timestamp authorities. The checks are the service's own (validate-receipt).
 */
import { canonicalBytes, sha256 } from '../core/canonical.js';
import type { CanonicalEvidence, EvidencePackage } from '../core/evidence.js';
import { validateReceipt, type ReceiptCheck } from '../core/validate-receipt.js';
import type { TrustRoot } from './inputs.js';

export type CheckResult = ReceiptCheck;

export interface Verification {
  ok: boolean;
  checks: CheckResult[];
  warnings: string[];
}

type Obj = Record<string, unknown>;

export function verifyReceiptOffline(pkg: Obj, receipt: Obj, trust: TrustRoot, now = new Date()): Verification {
  const canonical = canonicalBytes(pkg);
  const digest = sha256(canonical);
  const evidence: CanonicalEvidence = { pkg: pkg as unknown as EvidencePackage, canonical, digest, hashHex: digest.toString('hex') };
  const report = validateReceipt(evidence, receipt, trust, now);
  const checks = report.checks.map((c) =>
    // offline, a receipt still pending has nothing to prove: fetch it again once anchored
    c.check === 'transparency log' && c.status === 'skip'
      ? { ...c, status: 'fail' as const, detail: `${c.detail}; fetch the receipt again once anchored` }
      : c,
  );
  // validate-receipt only warns about a mismatched bundle; here it is a failed check already
  const warnings = report.validation_result.warnings.filter(
    (w) => !w.startsWith('bundle: ') && !w.startsWith('the signature is not anchored'),
  );
  return { ok: checks.every((c) => c.status !== 'fail'), checks, warnings };
}
