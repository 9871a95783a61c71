/**
 * Between the JSON shapes (what REST sends and answers, what the offline verifier reads) and the
 * generated gRPC messages. The hash is over the JSON, so a package must reach the service as the
 * very same JSON over either door: the timestamp travels as a Timestamp only when the service
 * renders that Timestamp back to the same text (Date#toISOString form), else verbatim in
 * timestamp_utc_rfc3339; metadata travels as a Struct (ts-proto converts the object itself).
 */
import {
  AnchoringState,
  type EvidencePackage as EvidencePackageMsg,
  type NotarizationReceipt,
} from './generated/grpc/afdp/notary/v1/notary_pb.js';
import type { EvidencePackageInput, Receipt } from './rest.js';

export function toEvidencePackageMsg(pkg: EvidencePackageInput): EvidencePackageMsg {
  const text = pkg.timestamp_utc;
  const ms = Date.parse(text);
  const asTimestamp = !Number.isNaN(ms) && new Date(ms).toISOString() === text;
  return {
    spec_version: pkg.spec_version,
    timestamp_utc: asTimestamp ? text : undefined,
    timestamp_utc_rfc3339: asTimestamp ? '' : text,
    event_type: pkg.event_type,
    actor: { actor_type: pkg.actor.actor_type, id: pkg.actor.id, auth_provider: pkg.actor.auth_provider ?? '' },
    artifacts: pkg.artifacts.map((a) => ({ name: a.name, uri: a.uri ?? '', hash_sha256: a.hash_sha256 })),
    metadata: pkg.metadata as Record<string, unknown> | undefined,
  };
}

/**
 * A NotarizationReceipt → the REST receipt, which the offline verifier and POST /validate read:
 * int64 strings become numbers, the enum a word, empty strings null while anchoring is pending,
 * bundle_json the bundle object.
 */
export function receiptFromMsg(m: NotarizationReceipt): Receipt {
  const pending = m.anchoring === AnchoringState.ANCHORING_STATE_PENDING;
  const orNull = (v: string) => (pending || v === '' ? null : v);
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`receipt integer out of range: ${v}`);
    return n;
  };
  const p = m.inclusion_proof;
  return {
    evidence_package_hash: m.evidence_package_hash,
    rekor_log_id: orNull(m.rekor_log_id),
    rekor_server_url: orNull(m.rekor_server_url),
    signature_b64: m.signature_b64,
    public_key_b64: m.public_key_b64,
    integrated_time: pending ? null : int(m.integrated_time),
    log_index: pending ? null : int(m.log_index),
    workflow_id: m.workflow_id,
    key_id: m.key_id,
    key_version: m.key_version,
    signed_at: m.signed_at ?? '',
    anchoring: pending ? 'pending' : 'anchored',
    rekor_entry_uuid: orNull(m.rekor_entry_uuid),
    transparency_log_id: orNull(m.transparency_log_id),
    inclusion_proof:
      pending || !p
        ? null
        : { logIndex: int(p.log_index), rootHash: p.root_hash, treeSize: int(p.tree_size), hashes: p.hashes, checkpoint: p.checkpoint },
    signed_entry_timestamp: orNull(m.signed_entry_timestamp),
    rekor_entry_body: orNull(m.rekor_entry_body),
    rfc3161_timestamp: m.rfc3161_timestamp || null,
    timestamped_at: m.timestamped_at ?? null,
    bundle: pending || !m.bundle_json ? null : JSON.parse(m.bundle_json),
  };
}
