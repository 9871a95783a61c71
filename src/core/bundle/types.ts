/**
 * The proto3 JSON form of a Sigstore bundle v0.3 that carries a message signature, as defined by
 * sigstore/protobuf-specs (protos/sigstore_bundle.proto, sigstore_rekor.proto, sigstore_common.proto)
 * and read by sigstore-js `@sigstore/bundle` `bundleFromJSON`. proto3 JSON rules apply: `bytes` are
 * standard base64, `int64` are decimal strings, enums are their names.
 */

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface SigstoreBundle {
  mediaType: typeof BUNDLE_V03_MEDIA_TYPE;
  verificationMaterial: BundleVerificationMaterial;
  messageSignature: BundleMessageSignature;
}

export interface BundleVerificationMaterial {
  /**
   * PublicKeyIdentifier: the spec leaves the hint's format to signer and verifier. Ours is
   * `${key_id}:v${key_version}` (e.g. `afdp-notary-key:v3`), naming one version in the trust root's
   * `signing_keys` — see `formatKeyHint` / `parseKeyHint`.
   */
  publicKey: { hint: string };
  /**
   * Exactly one entry: hashedrekord 0.0.1 with SET and inclusion proof (Rekor v1, the embedded
   * log), or hashedrekord 0.0.2 with inclusion proof only (Rekor v2).
   */
  tlogEntries: BundleTlogEntry[];
  /** The RFC 3161 timestamp over the signature, when one was made (always with Rekor v2). */
  timestampVerificationData?: { rfc3161Timestamps: { signedTimestamp: string }[] }; // base64 DER TimeStampResp
}

/** dev.sigstore.rekor.v1.TransparencyLogEntry */
export interface BundleTlogEntry {
  logIndex: string; // global index (int64)
  logId: { keyId: string }; // base64, 32 bytes: SHA-256 of the log key's SPKI DER (v1), the checkpoint key ID (v2)
  kindVersion: { kind: 'hashedrekord'; version: '0.0.1' | '0.0.2' };
  /** unix seconds (int64); absent (proto3's zero) on Rekor v2 entries, which have none */
  integratedTime?: string;
  /** absent on Rekor v2 entries: v2 issues no SET */
  inclusionPromise?: { signedEntryTimestamp: string }; // base64 DER ECDSA
  inclusionProof: BundleInclusionProof;
  canonicalizedBody: string; // base64 of the body exactly as logged
}

/** dev.sigstore.rekor.v1.InclusionProof */
export interface BundleInclusionProof {
  logIndex: string; // index in the tree the proof is for (shard-local on sharded Rekor)
  rootHash: string; // base64, 32 bytes
  treeSize: string;
  hashes: string[]; // base64, leaf to root
  checkpoint: { envelope: string }; // C2SP signed note
}

/** dev.sigstore.common.v1.MessageSignature over the RFC 8785 bytes of the evidence package. */
export interface BundleMessageSignature {
  /** SHA2_256: base64 of the evidence_package_hash bytes; SHA2_384: of the SHA-384 a P-384 key signed */
  messageDigest: { algorithm: 'SHA2_256' | 'SHA2_384'; digest: string };
  signature: string; // base64 ASN.1 DER ECDSA (P-256 or P-384)
}
