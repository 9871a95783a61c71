/**
 * The shapes proto-loader hands us and accepts (LOADER_OPTIONS: keepCase, longs as strings, enums
 * as names, unset fields undefined). Only what this door reads or writes is typed.
 */
export type Int64 = string | number;

export interface TimestampMsg {
  seconds?: Int64;
  nanos?: number;
}

/**
 * protobufjs bundles google/protobuf/*.proto with camelCase field names, whatever keepCase says:
 * Value's members are nullValue, numberValue … (the wire is the same; only JS keys differ).
 */
export interface ValueMsg {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructMsg;
  listValue?: ListValueMsg;
}
export interface StructMsg {
  fields?: Record<string, ValueMsg>;
}
export interface ListValueMsg {
  values?: ValueMsg[];
}

export interface ActorMsg {
  actor_type?: string;
  id?: string;
  auth_provider?: string;
}
export interface ArtifactMsg {
  name?: string;
  uri?: string;
  hash_sha256?: string;
}

export interface EvidencePackageMsg {
  spec_version?: string;
  timestamp_utc?: TimestampMsg;
  event_type?: string;
  actor?: ActorMsg;
  artifacts?: ArtifactMsg[];
  metadata?: StructMsg;
  timestamp_utc_rfc3339?: string;
}

export type AnchoringStateName = 'ANCHORING_STATE_UNSPECIFIED' | 'ANCHORING_STATE_ANCHORED' | 'ANCHORING_STATE_PENDING';

export interface InclusionProofMsg {
  log_index?: Int64;
  root_hash?: string;
  tree_size?: Int64;
  hashes?: string[];
  checkpoint?: string;
}

export interface NotarizationReceiptMsg {
  evidence_package_hash?: string;
  rekor_log_id?: string;
  rekor_server_url?: string;
  signature_b64?: string;
  public_key_b64?: string;
  integrated_time?: Int64;
  log_index?: Int64;
  workflow_id?: string;
  key_id?: string;
  key_version?: number;
  signed_at?: TimestampMsg;
  anchoring?: AnchoringStateName | number;
  rekor_entry_uuid?: string;
  inclusion_proof?: InclusionProofMsg;
  signed_entry_timestamp?: string;
  rekor_entry_body?: string;
  bundle_json?: string;
  transparency_log_id?: string;
  rfc3161_timestamp?: string;
  timestamped_at?: TimestampMsg;
}

/** google.rpc.Status as a message field (SignEvidenceResponse.error). */
export interface RpcStatusMsg {
  code: number;
  message: string;
  details: { type_url: string; value: Uint8Array }[];
}

export interface SignEvidenceResponseMsg {
  workflow_id: string;
  receipt?: NotarizationReceiptMsg;
  status: string;
  error?: RpcStatusMsg;
  replayed?: boolean;
  warnings?: string[];
}
