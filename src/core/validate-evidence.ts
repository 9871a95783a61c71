import type { Actor, Artifact, EvidencePackage } from './evidence.js';
import { NotaryError, invalid } from './errors.js';
import type { InputLimits } from './limits.js';

/** The package's rules, exported so the REST door's OpenAPI schema states exactly these. */
export const HASH_RE = /^[0-9a-f]{64}$/;
export const SPEC_VERSION_RE = /^\d+\.\d+(\.\d+)?$/;
export const EVENT_TYPE_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;
export const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const PACKAGE_KEYS = new Set(['spec_version', 'timestamp_utc', 'event_type', 'actor', 'artifacts', 'metadata']);
const ACTOR_KEYS = new Set(['actor_type', 'id', 'auth_provider']);
const ARTIFACT_KEYS = new Set(['name', 'uri', 'hash_sha256']);

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an untrusted value against the AFDP evidence package shape and the limits.
 * Unknown fields are refused rather than silently signed: a caller must not believe a field
 * was understood when it was not.
 */
export function validateEvidencePackage(value: unknown, limits: InputLimits, path = 'evidence_package'): EvidencePackage {
  if (!isObject(value)) throw new NotaryError('invalid_request', `${path}: must be a JSON object`, { field: path });
  checkSize(value, limits, path);
  rejectUnknown(value, PACKAGE_KEYS, path);

  const spec_version = requireString(value, 'spec_version', path, limits);
  if (!SPEC_VERSION_RE.test(spec_version)) throw invalid(`${path}.spec_version`, 'must look like 1.0 or 1.0.0');

  const timestamp_utc = requireString(value, 'timestamp_utc', path, limits);
  if (!RFC3339_RE.test(timestamp_utc) || Number.isNaN(Date.parse(timestamp_utc))) {
    throw invalid(`${path}.timestamp_utc`, 'must be an RFC 3339 date-time such as 2024-01-23T14:30:00Z');
  }

  const event_type = requireString(value, 'event_type', path, limits);
  if (!EVENT_TYPE_RE.test(event_type)) throw invalid(`${path}.event_type`, 'must be dot notation such as ai.model.deployment');

  const actor = validateActor(value.actor, `${path}.actor`, limits);
  const artifacts = validateArtifacts(value.artifacts, `${path}.artifacts`, limits);

  const pkg: EvidencePackage = { spec_version, timestamp_utc, event_type, actor, artifacts };
  if (value.metadata !== undefined) {
    if (!isObject(value.metadata)) throw invalid(`${path}.metadata`, 'must be a JSON object');
    pkg.metadata = value.metadata;
  }
  return pkg;
}

function validateActor(value: unknown, path: string, limits: InputLimits): Actor {
  if (!isObject(value)) throw invalid(path, 'is required and must be an object');
  rejectUnknown(value, ACTOR_KEYS, path);
  const actor: Actor = {
    actor_type: requireString(value, 'actor_type', path, limits),
    id: requireString(value, 'id', path, limits),
  };
  if (value.auth_provider !== undefined) actor.auth_provider = requireString(value, 'auth_provider', path, limits);
  return actor;
}

function validateArtifacts(value: unknown, path: string, limits: InputLimits): Artifact[] {
  if (!Array.isArray(value)) throw invalid(path, 'is required and must be an array');
  if (value.length === 0) throw invalid(path, 'must hold at least one artifact');
  if (value.length > limits.maxArtifacts) {
    throw new NotaryError('payload_too_large', `${path}: at most ${limits.maxArtifacts} artifacts, got ${value.length}`, { field: path });
  }
  return value.map((item, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(item)) throw invalid(p, 'must be an object');
    rejectUnknown(item, ARTIFACT_KEYS, p);
    const artifact: Artifact = { name: requireString(item, 'name', p, limits), hash_sha256: requireString(item, 'hash_sha256', p, limits) };
    if (!HASH_RE.test(artifact.hash_sha256)) throw invalid(`${p}.hash_sha256`, 'must be 64 lowercase hex characters');
    if (item.uri !== undefined) artifact.uri = requireString(item, 'uri', p, limits);
    return artifact;
  });
}

function requireString(obj: Obj, key: string, path: string, limits: InputLimits): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${path}.${key}`, 'is required and must be a non-empty string');
  if (v.length > limits.maxStringLength) throw tooLong(`${path}.${key}`, limits);
  return v;
}

function rejectUnknown(obj: Obj, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw invalid(`${path}.${key}`, 'is not a field of this object');
  }
}

const tooLong = (path: string, limits: InputLimits) =>
  new NotaryError('payload_too_large', `${path}: strings are limited to ${limits.maxStringLength} characters`, { field: path });

/**
 * One walk over the whole package: nesting depth, string lengths, node count, no non-JSON values.
 * `metadata` sits at depth 1, so a container deeper than maxMetadataDepth + 1 anywhere is refused
 * before the walk (or anything after it) can recurse far.
 */
function checkSize(root: Obj, limits: InputLimits, path: string): void {
  let nodes = 0;
  const walk = (v: unknown, p: string, depth: number): void => {
    if (++nodes > limits.maxNodes) {
      throw new NotaryError('payload_too_large', `${path}: at most ${limits.maxNodes} JSON values`, { field: path });
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) throw tooLong(p, limits);
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid(p, 'must be a finite number');
      return;
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v !== 'object') throw invalid(p, 'is not a JSON value');
    if (depth - 1 > limits.maxMetadataDepth) {
      throw new NotaryError('payload_too_large', `${p}: nesting is limited to depth ${limits.maxMetadataDepth} below metadata`, { field: p });
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`, depth + 1));
      return;
    }
    for (const [k, x] of Object.entries(v as Obj)) {
      if (k.length > limits.maxStringLength) throw tooLong(`${p}.<key>`, limits);
      walk(x, `${p}.${k}`, depth + 1);
    }
  };
  walk(root, path, 0);
}
