import type { InclusionProof } from '../ports/transparency-log.js';
import type { SigstoreBundle } from './bundle/index.js';

export type AnchoringState = 'anchored' | 'pending';

/** AFDP's receipt fields plus what makes it verifiable offline. */
export interface Receipt {
  workflow_id: string;
  evidence_package_hash: string;
  signature_b64: string;
  /** base64 of the signing key version's SPKI PEM (as Rekor's hashedrekord carries it) */
  public_key_b64: string;
  key_id: string;
  key_version: number;
  signed_at: string;
  anchoring: AnchoringState;
  /**
   * AFDP's name for the log entry's UUID: `GET {rekor_server_url}/api/v1/log/entries/{rekor_log_id}`
   * finds the entry, on Rekor and on the embedded log alike. Same value as `rekor_entry_uuid`.
   */
  rekor_log_id: string | null;
  rekor_server_url: string | null;
  rekor_entry_uuid: string | null;
  /** the log's own ID (Rekor's `logID`: SHA-256 of its public key), as the trust root names it */
  transparency_log_id: string | null;
  integrated_time: number | null;
  log_index: number | null;
  inclusion_proof: InclusionProof | null;
  signed_entry_timestamp: string | null;
  /** base64 canonical hashedrekord body as logged (0.0.1, or 0.0.2 from Rekor v2) */
  rekor_entry_body: string | null;
  /**
   * base64 DER RFC 3161 TimeStampResp over the signature bytes (message imprint = SHA-256 of the
   * DER signature), from the embedded TSA or NOTARY_TSA_URL; null while it is pending or when
   * timestamps are off. With Rekor v2 it is the only signed time: v2 issues no SET.
   */
  rfc3161_timestamp: string | null;
  /** the timestamp's genTime (RFC 3339) */
  timestamped_at: string | null;
  /**
   * The same signature, log entry and timestamp as a Sigstore bundle v0.3 (messageSignature over
   * the RFC 8785 bytes, one hashedrekord tlog entry with its inclusion proof — and SET for 0.0.1 —,
   * the RFC 3161 timestamp, public-key hint `${key_id}:v${key_version}`), so standard Sigstore
   * verifiers can check it. `null` while anchoring or timestamping is pending: a bundle is only
   * handed out once it is complete. Receipts issued before bundles existed lack the field.
   */
  bundle: SigstoreBundle | null;
}
