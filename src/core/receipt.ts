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
  /** base64 canonical hashedrekord body as logged */
  rekor_entry_body: string | null;
  /**
   * The same signature and log entry as a Sigstore bundle v0.3 (messageSignature over the RFC 8785
   * bytes, one hashedrekord tlog entry with SET and inclusion proof, public-key hint
   * `${key_id}:v${key_version}`), so standard Sigstore verifiers can check it. `null` while
   * anchoring is pending: a bundle is only handed out once it is complete. Receipts issued before
   * bundles existed lack the field; they stay valid.
   */
  bundle: SigstoreBundle | null;
}
