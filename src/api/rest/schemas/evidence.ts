import { HASH_RE, RFC3339_RE, SPEC_VERSION_RE } from '../../../core/validate-evidence.js';
import type { InputLimits } from '../../../core/limits.js';
import { arrayOf, bool, CHECKED_BY_CORE, closed, dateTime, hex64, nullable, ref, str, type Schema } from './json.js';

const UNKNOWN_FIELDS = "Fields AFDP does not describe are kept, signed as sent and named in the answer's warnings.";

/**
 * AFDP's evidence package, as the core's rules (src/core/validate-evidence.ts) accept it; the
 * limits are this notary's configuration. Request bodies carry it under CHECKED_BY_CORE: the core
 * answers its faults with 422 naming the field (413 for limits).
 */
export function evidenceSchemas(limits: InputLimits): Schema[] {
  const text = (extra: Schema = {}) => str({ minLength: 1, maxLength: limits.maxStringLength, ...extra });
  // AFDP accepts any string; NOTARY_STRICT_ARTIFACT_HASHES=true accepts only SHA-256 hex
  const hash = limits.strictArtifactHashes
    ? text({ pattern: HASH_RE.source, description: 'SHA-256 of the artifact: 64 lowercase hex characters (NOTARY_STRICT_ARTIFACT_HASHES)' })
    : text({
        description: 'SHA-256 of the artifact, 64 lowercase hex characters; any other string is signed as given and named in the warnings',
        examples: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      });
  return [
    {
      $id: 'Actor',
      ...closed(
        {
          actor_type: text({ description: 'user, service, ci_system …' }),
          id: text(),
          auth_provider: text(),
        },
        ['auth_provider'],
        { additionalProperties: true, description: UNKNOWN_FIELDS },
      ),
    },
    {
      $id: 'Artifact',
      ...closed({ name: text(), uri: text(), hash_sha256: hash }, ['uri'], { additionalProperties: true, description: UNKNOWN_FIELDS }),
    },
    {
      $id: 'EvidencePackage',
      description:
        'What is signed: exactly this JSON, canonicalized with RFC 8785. I-JSON only (RFC 7493): no duplicate ' +
        `names, numbers within IEEE 754 doubles. Nesting is limited to depth ${limits.maxMetadataDepth} below metadata ` +
        `and the package to ${limits.maxNodes} JSON values (413 beyond). In requests it is checked by the notary's core, ` +
        `which answers a fault with 422 naming the field. ${UNKNOWN_FIELDS}`,
      ...closed(
        {
          spec_version: str({ pattern: SPEC_VERSION_RE.source, examples: ['1.0.0'] }),
          timestamp_utc: str({ format: 'date-time', pattern: RFC3339_RE.source, description: 'RFC 3339; signed as written' }),
          event_type: text({ description: 'any string; dot notation by convention', examples: ['ai.model.deployment'] }),
          actor: ref('Actor'),
          artifacts: arrayOf(ref('Artifact'), { maxItems: limits.maxArtifacts }),
          metadata: { type: 'object', additionalProperties: true, description: 'any JSON object' },
        },
        ['metadata'],
        { additionalProperties: true },
      ),
    },
  ];
}

/** A package as a request member: documented in full, checked by the core. */
export const evidencePackageMember = (): Schema => ({ ...ref('EvidencePackage'), [CHECKED_BY_CORE]: true });

export const storedEvidenceSchema = {
  $id: 'StoredEvidence',
  ...closed({
    evidence_package_hash: hex64('lowercase hex SHA-256 of the RFC 8785 bytes'),
    evidence_package: ref('EvidencePackage'),
    event_type: str(),
    actor_id: str(),
    created_at: dateTime('when this package was first stored'),
    workflow_ids: arrayOf(str(), { description: 'every workflow that notarized this package' }),
    submitted_by: nullable(
      str({ description: 'the authenticated principal that first submitted it (null: anonymous); actor is as the package claims' }),
    ),
  }),
};

export const evidenceListSchema = {
  $id: 'EvidenceList',
  ...closed({ evidence: arrayOf(ref('StoredEvidence')), next_page_token: nullable(str()) }),
};

export const validationResultSchema = {
  $id: 'ValidationResult',
  ...closed({
    signature_valid: bool(),
    evidence_hash_valid: bool(),
    rekor_entry_valid: bool(),
    timestamp_valid: bool(),
    warnings: arrayOf(str()),
  }),
};

export const validateResponseSchema = {
  $id: 'ValidateEvidenceResponse',
  ...closed({ is_valid: bool(), validation_error: nullable(str()), validation_result: ref('ValidationResult') }),
};
