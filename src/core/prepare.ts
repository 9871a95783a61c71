import { canonicalBytes, sha256 } from './canonical.js';
import type { CanonicalEvidence } from './evidence.js';
import type { InputLimits } from './limits.js';
import { validateEvidencePackage } from './validate-evidence.js';

/** Validate once, canonicalize once, hash once: the canonical bytes are the costliest step. */
export function prepareEvidence(raw: unknown, limits: InputLimits, path?: string): CanonicalEvidence {
  const warnings: string[] = [];
  const pkg = validateEvidencePackage(raw, limits, path, warnings);
  const canonical = canonicalBytes(pkg);
  const digest = sha256(canonical);
  return { pkg, canonical, digest, hashHex: digest.toString('hex'), warnings };
}
