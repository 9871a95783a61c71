import type { ReceiptRecord } from '../ports/evidence-store.js';
import { toSigstoreBundle } from './bundle/index.js';
import type { Receipt } from './receipt.js';

/** The receipt is derived from what was stored, never kept as a separate copy that could drift. */
export function toReceipt(record: ReceiptRecord): Receipt {
  const { workflow, signature, anchor } = record;
  const entry = anchor?.entry;
  const timestamp = typeof signature.timestamp === 'object' ? signature.timestamp : undefined;
  return {
    workflow_id: workflow.id,
    evidence_package_hash: workflow.evidence_package_hash,
    signature_b64: signature.signature.toString('base64'),
    public_key_b64: Buffer.from(signature.publicKeyPem).toString('base64'),
    key_id: signature.keyId,
    key_version: signature.keyVersion,
    signed_at: signature.signedAt,
    anchoring: entry ? 'anchored' : 'pending',
    rekor_log_id: entry?.uuid ?? null,
    rekor_server_url: anchor?.logUrl ?? null,
    rekor_entry_uuid: entry?.uuid ?? null,
    transparency_log_id: entry?.logID ?? null,
    integrated_time: entry?.integratedTime ?? null,
    log_index: entry?.logIndex ?? null,
    inclusion_proof: entry?.inclusionProof ?? null,
    signed_entry_timestamp: entry?.signedEntryTimestamp ?? null,
    rekor_entry_body: entry?.body ?? null,
    rfc3161_timestamp: timestamp?.response.toString('base64') ?? null,
    timestamped_at: timestamp?.genTime ?? null,
    bundle:
      entry && signature.timestamp !== 'pending'
        ? toSigstoreBundle({
            digestHex: workflow.evidence_package_hash,
            signedDigest: signature.signedDigest,
            signature: signature.signature,
            keyId: signature.keyId,
            keyVersion: signature.keyVersion,
            entry,
            timestamp: timestamp?.response,
          })
        : null,
  };
}
