/** What gets anchored: a hashedrekord 0.0.1 entry's three facts. */
export interface AnchorRequest {
  /** lowercase hex SHA-256 of the canonical evidence bytes */
  digestHex: string;
  signature: Buffer; // DER
  publicKeyPem: string;
}

export interface InclusionProof {
  logIndex: number;
  rootHash: string; // hex
  treeSize: number;
  hashes: string[]; // hex, leaf to root
  checkpoint: string; // C2SP signed note
}

/** The shape Rekor v1 answers with (camelCase), for both Rekor and the embedded log. */
export interface LogEntry {
  uuid: string;
  logIndex: number;
  integratedTime: number; // unix seconds
  logID: string; // hex SHA-256 of the log's public key (DER)
  body: string; // base64 canonical hashedrekord JSON
  inclusionProof: InclusionProof;
  signedEntryTimestamp: string; // base64 DER ECDSA over canonical {body,integratedTime,logID,logIndex}
}

export interface LogInfo {
  logID: string;
  url: string;
  publicKeyPem: string;
  origin: string;
}

/** Port: appends a signature to a transparency log and returns the verified entry. */
export interface TransparencyLog {
  readonly backend: string;
  append(request: AnchorRequest): Promise<LogEntry>;
  info(): Promise<LogInfo>;
  ping(): Promise<void>;
  /** Throws when the log must not be written now (the embedded log failed its self-check): nothing is signed then. */
  writable?(): void;
  close(): Promise<void>;
}
