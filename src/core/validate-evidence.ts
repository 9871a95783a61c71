import { canonicalBytes, sha256 } from './canonical.js';
import type { CanonicalEvidence, EvidencePackage } from './evidence.js';
import { NotaryError, invalid, printable } from './errors.js';
import { checkJsonTree, checkStorable } from './integrity.js';
import type { InputLimits } from './limits.js';
import { checkCanonicalSize } from './request-rules.js';

/** The package's rules, exported so the REST door's OpenAPI schema states exactly these. */
export const HASH_RE = /^[0-9a-f]{64}$/;
/** the versions of the AFDP evidence format this notary understands (README) */
export const SPEC_VERSION_RE = /^1\.0(\.0)?$/;
export { RFC3339_RE } from './integrity.js';

const PACKAGE_KEYS = new Set(['spec_version', 'timestamp_utc', 'event_type', 'actor', 'artifacts', 'metadata']);
const ACTOR_KEYS = new Set(['actor_type', 'id', 'auth_provider']);
const ARTIFACT_KEYS = new Set(['name', 'uri', 'hash_sha256']);

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an untrusted value against the AFDP evidence package shape and the limits, as loosely as
 * AFDP does: unknown fields, an empty artifact list, any event_type, artifact hashes that are not
 * SHA-256 hex. What is signed is always exactly what was sent: an unknown field or an odd hash is
 * kept, signed, and named in `warnings` so the caller knows it was not understood. The integrity
 * rules (integrity.ts: limits, I-JSON values, what the store can hold) are not loosened.
 */
export function validateEvidencePackage(
  value: unknown,
  limits: InputLimits,
  path = 'evidence_package',
  warnings: string[] = [],
): EvidencePackage {
  if (!isObject(value)) throw new NotaryError('invalid_request', `${path}: must be a JSON object`, { field: path });
  checkJsonTree(value, limits, path);
  noteUnknown(value, PACKAGE_KEYS, path, warnings);

  const spec_version = requireString(value, 'spec_version', path, limits);
  if (!SPEC_VERSION_RE.test(spec_version)) throw invalid(`${path}.spec_version`, 'must be 1.0 or 1.0.0');

  requireString(value, 'timestamp_utc', path, limits);

  // AFDP: any string (dot notation such as ai.model.deployment is the convention)
  requireString(value, 'event_type', path, limits);

  validateActor(value.actor, `${path}.actor`, limits, warnings);
  validateArtifacts(value.artifacts, `${path}.artifacts`, limits, warnings);
  if (value.metadata !== undefined && !isObject(value.metadata)) throw invalid(`${path}.metadata`, 'must be a JSON object');
  // signed as sent: every field, known or not
  const pkg = value as unknown as EvidencePackage;
  checkStorable(pkg, path);
  return pkg;
}

function validateActor(value: unknown, path: string, limits: InputLimits, warnings: string[]): void {
  if (!isObject(value)) throw invalid(path, 'is required and must be an object');
  noteUnknown(value, ACTOR_KEYS, path, warnings);
  requireString(value, 'actor_type', path, limits);
  requireString(value, 'id', path, limits);
  if (value.auth_provider !== undefined) requireString(value, 'auth_provider', path, limits);
}

function validateArtifacts(value: unknown, path: string, limits: InputLimits, warnings: string[]): void {
  if (!Array.isArray(value)) throw invalid(path, 'is required and must be an array');
  if (value.length > limits.maxArtifacts) {
    throw new NotaryError('payload_too_large', `${path}: at most ${limits.maxArtifacts} artifacts, got ${value.length}`, { field: path });
  }
  value.forEach((item, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(item)) throw invalid(p, 'must be an object');
    noteUnknown(item, ARTIFACT_KEYS, p, warnings);
    requireString(item, 'name', p, limits);
    const hash = requireString(item, 'hash_sha256', p, limits);
    if (!HASH_RE.test(hash)) {
      if (limits.strictArtifactHashes)
        throw invalid(`${p}.hash_sha256`, 'must be 64 lowercase hex characters (NOTARY_STRICT_ARTIFACT_HASHES)');
      warnings.push(`${p}.hash_sha256: not 64 lowercase hex characters (a SHA-256); signed as given`);
    }
    if (item.uri !== undefined) requireString(item, 'uri', p, limits);
  });
}

function requireString(obj: Obj, key: string, path: string, limits: InputLimits): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${path}.${key}`, 'is required and must be a non-empty string');
  if (v.length > limits.maxStringLength) throw tooLong(`${path}.${key}`, limits);
  return v;
}

function noteUnknown(obj: Obj, allowed: ReadonlySet<string>, path: string, warnings: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) warnings.push(printable(`${path}.${key}: not a field of AFDP's evidence package; signed as given`));
  }
}

const tooLong = (path: string, limits: InputLimits) =>
  new NotaryError('payload_too_large', `${path}: strings are limited to ${limits.maxStringLength} characters`, { field: path });

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
