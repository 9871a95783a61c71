/** Every input limit, explicit. Defaults here; config may override each one. */
export interface InputLimits {
  /** request body bytes (REST) / message bytes (gRPC, Pulsar) */
  maxBodyBytes: number;
  maxArtifacts: number;
  /** nesting depth of `metadata` (an object directly under metadata is depth 1) */
  maxMetadataDepth: number;
  /** length of any single string, keys included */
  maxStringLength: number;
  /** total JSON values in the package (objects, arrays and scalars) */
  maxNodes: number;
  /**
   * An artifact hash_sha256 that is not 64 lowercase hex characters: false (AFDP's behaviour) signs
   * it as given and names it in the answer's warnings; true refuses it (422).
   */
  strictArtifactHashes: boolean;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxBodyBytes: 1024 * 1024,
  maxArtifacts: 1000,
  maxMetadataDepth: 16,
  maxStringLength: 16 * 1024,
  maxNodes: 20_000,
  strictArtifactHashes: false,
};

/**
 * Containers above `metadata` in any JSON document a door parses (envelope, batch array, package):
 * parsers bound nesting this far above the metadata limit, so within it the core's finer message wins.
 */
export const ENVELOPE_DEPTH = 8;

/** How deep a door's JSON parser lets documents nest before refusing them. */
export const parseDepth = (limits: Pick<InputLimits, 'maxMetadataDepth'>): number => limits.maxMetadataDepth + ENVELOPE_DEPTH;
