import type { Actor, Artifact, EvidencePackage } from './evidence.js';
import { NotaryError, invalid } from './errors.js';
import { checkJsonTree, checkStorable } from './integrity.js';
import type { InputLimits } from './limits.js';

const HASH_RE = /^[0-9a-f]{64}$/;
/** the versions of the AFDP evidence format this notary understands (README) */
const SPEC_VERSIONS: ReadonlySet<string> = new Set(['1.0', '1.0.0']);
const EVENT_TYPE_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

const PACKAGE_KEYS = new Set(['spec_version', 'timestamp_utc', 'event_type', 'actor', 'artifacts', 'metadata']);
const ACTOR_KEYS = new Set(['actor_type', 'id', 'auth_provider']);
const ARTIFACT_KEYS = new Set(['name', 'uri', 'hash_sha256']);

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an untrusted value against the AFDP evidence package shape, the limits and the integrity
 * rules (integrity.ts: I-JSON values, what the store can hold). Unknown fields are refused rather
 * than silently signed: a caller must not believe a field was understood when it was not.
 */
export function validateEvidencePackage(value: unknown, limits: InputLimits, path = 'evidence_package'): EvidencePackage {
  if (!isObject(value)) throw new NotaryError('invalid_request', `${path}: must be a JSON object`, { field: path });
  checkJsonTree(value, limits, path);
  rejectUnknown(value, PACKAGE_KEYS, path);

  const spec_version = requireString(value, 'spec_version', path, limits);
  if (!SPEC_VERSIONS.has(spec_version)) throw invalid(`${path}.spec_version`, 'must be 1.0 or 1.0.0');

  const timestamp_utc = requireString(value, 'timestamp_utc', path, limits);

  const event_type = requireString(value, 'event_type', path, limits);
  if (!EVENT_TYPE_RE.test(event_type)) throw invalid(`${path}.event_type`, 'must be dot notation such as ai.model.deployment');

  const actor = validateActor(value.actor, `${path}.actor`, limits);
  const artifacts = validateArtifacts(value.artifacts, `${path}.artifacts`, limits);

  const pkg: EvidencePackage = { spec_version, timestamp_utc, event_type, actor, artifacts };
  if (value.metadata !== undefined) {
    if (!isObject(value.metadata)) throw invalid(`${path}.metadata`, 'must be a JSON object');
    pkg.metadata = value.metadata;
  }
  checkStorable(pkg, path);
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
