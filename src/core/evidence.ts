/** AFDP evidence package, as callers send it. */
export interface Actor {
  actor_type: string;
  id: string;
  auth_provider?: string;
}

export interface Artifact {
  name: string;
  uri?: string;
  hash_sha256: string;
}

export interface EvidencePackage {
  spec_version: string;
  timestamp_utc: string;
  event_type: string;
  actor: Actor;
  artifacts: Artifact[];
  metadata?: Record<string, unknown>;
}

/** An evidence package after validation and canonicalization: computed once per request. */
export interface CanonicalEvidence {
  pkg: EvidencePackage;
  canonical: Buffer;
  digest: Buffer;
  hashHex: string;
  /** what was signed as sent although AFDP's shape does not describe it (unknown fields, odd hashes) */
  warnings?: string[];
}
