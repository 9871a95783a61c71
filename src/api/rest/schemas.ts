/** JSON schemas for requests (validation) and responses (fast serialization, no accidental fields). */
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;

export const problemSchema = {
  type: 'object',
  properties: { type: str, title: str, status: { type: 'integer' }, detail: str, code: str, field: str, instance: str, request_id: str },
} as const;

export const inclusionProofSchema = {
  type: 'object',
  required: ['logIndex', 'rootHash', 'treeSize', 'hashes', 'checkpoint'],
  properties: { logIndex: { type: 'integer' }, rootHash: str, treeSize: { type: 'integer' }, hashes: { type: 'array', items: str }, checkpoint: str },
} as const;

export const receiptSchema = {
  type: 'object',
  required: ['workflow_id', 'evidence_package_hash', 'signature_b64', 'public_key_b64', 'key_id', 'key_version', 'signed_at', 'anchoring'],
  properties: {
    workflow_id: str, evidence_package_hash: str, signature_b64: str, public_key_b64: str, key_id: str,
    key_version: { type: 'integer' }, signed_at: str, anchoring: { type: 'string', enum: ['anchored', 'pending'] },
    rekor_log_id: nullableStr, rekor_server_url: nullableStr, rekor_entry_uuid: nullableStr,
    integrated_time: nullableInt, log_index: nullableInt,
    inclusion_proof: { anyOf: [inclusionProofSchema, { type: 'null' }] },
    signed_entry_timestamp: nullableStr, rekor_entry_body: nullableStr,
    // base64 DER RFC 3161 TimeStampResp over the signature, and its genTime
    rfc3161_timestamp: nullableStr, timestamped_at: nullableStr,
    // Sigstore bundle v0.3 (src/core/bundle): built by us, passed through whole; null while pending
    bundle: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export const evidencePackageSchema = {
  type: 'object',
  properties: {
    spec_version: str, timestamp_utc: str, event_type: str,
    actor: { type: 'object', properties: { actor_type: str, id: str, auth_provider: str } },
    artifacts: { type: 'array', items: { type: 'object', properties: { name: str, uri: str, hash_sha256: str } } },
    metadata: { type: 'object', additionalProperties: true },
  },
} as const;

export const approvalStatusSchema = {
  type: 'object',
  properties: { approver: str, status: { type: 'string', enum: ['pending', 'approved', 'rejected'] }, timestamp: nullableStr, comment: nullableStr },
} as const;

export const workflowSchema = {
  type: 'object',
  properties: {
    // null only for batch_sign: a batch covers many packages
    workflow_id: str, workflow_type: str, status: str, evidence_package_hash: nullableStr,
    created_at: str, updated_at: str, completed_at: nullableStr, error_message: nullableStr,
    // the authenticated principal that submitted it (null: anonymous); the package's actor is as claimed
    submitted_by: nullableStr,
    // approval_sign only
    approval_statuses: { type: 'array', items: approvalStatusSchema }, quorum: { type: 'integer' }, expires_at: str,
  },
} as const;

export const storedEvidenceSchema = {
  type: 'object',
  properties: {
    evidence_package_hash: str, evidence_package: evidencePackageSchema, event_type: str, actor_id: str, created_at: str,
    workflow_ids: { type: 'array', items: str },
    submitted_by: nullableStr,
  },
} as const;

export const hashParam = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
export const pageSize = { type: 'integer', minimum: 1, maximum: 100, default: 20 } as const;
export const pageToken = { type: 'string', maxLength: 512 } as const;

export const errorResponses = { '4xx': problemSchema, '5xx': problemSchema } as const;
