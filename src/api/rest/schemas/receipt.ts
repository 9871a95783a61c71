import { arrayOf, closed, dateTime, hex64, int, nullable, ref, str } from './json.js';

export const inclusionProofSchema = {
  $id: 'InclusionProof',
  description: 'RFC 6962 inclusion proof of the log entry, as Rekor returns it',
  ...closed({
    logIndex: int({ minimum: 0 }),
    rootHash: str({ description: 'hex' }),
    treeSize: int({ minimum: 1 }),
    hashes: arrayOf(str(), { description: 'hex, leaf to root' }),
    checkpoint: str({ description: 'C2SP signed note' }),
  }),
};

export const approvalDecisionSchema = {
  $id: 'ApprovalDecision',
  ...closed({ approver: str(), decision: str({ enum: ['approve', 'reject'] }), comment: nullable(str()), decided_at: dateTime() }),
};

export const approvalAttestationSchema = {
  $id: 'ApprovalAttestation',
  description: 'A second signature, with the same key, over the approvals that authorized the evidence signature',
  ...closed({
    payload: str({ description: 'RFC 8785 JSON of {type, workflow_id, evidence_package_hash, approvals}' }),
    signature_b64: str(),
    key_id: str(),
    key_version: int({ minimum: 1 }),
  }),
};

/** AFDP's NotarizationReceipt (its seven fields first) plus what makes it verifiable offline. */
export const receiptSchema = {
  $id: 'Receipt',
  description:
    "AFDP's NotarizationReceipt plus key version, inclusion proof, SET, RFC 3161 timestamp and Sigstore bundle. " +
    'The log fields are null while anchoring is pending (the log was unreachable; the notary retries).',
  ...closed(
    {
      evidence_package_hash: hex64('lowercase hex SHA-256 of the RFC 8785 canonical bytes of the evidence package'),
      rekor_log_id: nullable(
        str({
          description:
            "the log entry's UUID (its RFC 6962 leaf hash): GET {rekor_server_url}/api/v1/log/entries/{rekor_log_id} finds it. " +
            'Rekor v2 has no lookup by UUID: its entry is the one at log_index in the tiles (transparency_log.tiles_url of the trust root), ' +
            'whose leaf hash this is',
        }),
      ),
      rekor_server_url: nullable(
        str({ description: "the transparency log: Rekor (REKOR_URL), or this notary's embedded log (NOTARY_PUBLIC_URL)" }),
      ),
      signature_b64: str({
        description:
          "base64 DER ECDSA signature over the RFC 8785 bytes: P-256 with SHA-256, or P-384 with SHA-384 (the key version's algorithm in the trust root)",
      }),
      public_key_b64: str({ description: "base64 of the signing key version's SPKI PEM" }),
      integrated_time: nullable(int({ description: 'unix seconds the log integrated the entry; null on Rekor v2, which signs no time' })),
      log_index: nullable(int({ minimum: 0 })),
      workflow_id: str(),
      key_id: str(),
      key_version: int({ minimum: 1, description: 'the signing key version, as published in the trust root' }),
      signed_at: dateTime(),
      anchoring: str({ enum: ['anchored', 'pending'] }),
      rekor_entry_uuid: nullable(str({ description: 'same as rekor_log_id' })),
      transparency_log_id: nullable(
        str({ description: "the log's own ID (Rekor's logID: SHA-256 of its public key), as in the trust root" }),
      ),
      inclusion_proof: nullable(ref('InclusionProof')),
      signed_entry_timestamp: nullable(
        str({ description: 'base64 DER signed entry timestamp (SET) of the log; null on Rekor v2, which issues none' }),
      ),
      rekor_entry_body: nullable(str({ description: 'base64 canonical hashedrekord body as logged (0.0.1, or 0.0.2 from Rekor v2)' })),
      rfc3161_timestamp: nullable(
        str({
          description:
            'base64 DER RFC 3161 TimeStampResp over the signature (message imprint = SHA-256 of the DER signature); ' +
            'null while timestamping is pending or when timestamps are off. On Rekor v2 the only signed time',
        }),
      ),
      timestamped_at: nullable(dateTime("the timestamp's genTime")),
      bundle: nullable(
        ref('SigstoreBundle', {
          description:
            'The same signature, log entry and timestamp as a Sigstore bundle v0.3 (application/vnd.dev.sigstore.bundle.v0.3+json); ' +
            'null while anchoring or timestamping is pending',
        }),
      ),
      approvals: arrayOf(ref('ApprovalDecision'), { description: 'approval workflows only: the decisions that authorized the signature' }),
      approval_attestation: ref('ApprovalAttestation'),
    },
    ['approvals', 'approval_attestation'],
  ),
};
