import { canonicalBytes, sha256 } from './canonical.js';
import type { CanonicalEvidence } from './evidence.js';
import type { InputLimits } from './limits.js';
import { checkCanonicalSize } from './request-rules.js';
import { validateEvidencePackage } from './validate-evidence.js';

export interface PrepareOptions {
  /** bound the canonical bytes (payload_too_large past it): for doors that cannot bound the package by its body */
  maxCanonicalBytes?: number;
}

/** Validate once, canonicalize once, hash once: the canonical bytes are the costliest step. */
export function prepareEvidence(raw: unknown, limits: InputLimits, path?: string, options: PrepareOptions = {}): CanonicalEvidence {
  const warnings: string[] = [];
  const pkg = validateEvidencePackage(raw, limits, path, warnings);
  const canonical = canonicalBytes(pkg);
  if (options.maxCanonicalBytes !== undefined) checkCanonicalSize(canonical.length, options.maxCanonicalBytes, path ?? 'evidence_package');
  const digest = sha256(canonical);
  return { pkg, canonical, digest, hashHex: digest.toString('hex'), warnings };
}
