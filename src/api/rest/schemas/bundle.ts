/**
 * The Sigstore bundle v0.3 a receipt carries (src/core/bundle/types.ts), field by field: the
 * response schema also serializes, so a field left out here would be dropped from every answer.
 * proto3 JSON: bytes are base64, int64 are decimal strings.
 */
import { arrayOf, closed, ref, str } from './json.js';

const b64 = (description: string) => str({ contentEncoding: 'base64', description });
const int64 = (description: string) => str({ pattern: '^[0-9]+$', description });

export const bundleTlogEntrySchema = {
  $id: 'BundleTlogEntry',
  description:
    'dev.sigstore.rekor.v1.TransparencyLogEntry: hashedrekord 0.0.1 with SET (Rekor v1, the embedded log) ' +
    'or 0.0.2 with the inclusion proof only (Rekor v2)',
  ...closed(
    {
      logIndex: int64('global log index'),
      logId: closed({ keyId: b64('SHA-256 of the log key (v1); the checkpoint key ID (v2)') }),
      kindVersion: closed({ kind: str({ enum: ['hashedrekord'] }), version: str({ enum: ['0.0.1', '0.0.2'] }) }),
      integratedTime: int64('unix seconds; absent on Rekor v2 entries'),
      inclusionPromise: closed({ signedEntryTimestamp: b64('DER ECDSA SET') }, [], {
        description: 'absent on Rekor v2 entries (v2 issues no SET)',
      }),
      inclusionProof: closed({
        logIndex: int64('index in the tree the proof is for'),
        rootHash: b64('32 bytes'),
        treeSize: int64('tree size of the checkpoint'),
        hashes: arrayOf(b64('32 bytes'), { description: 'leaf to root' }),
        checkpoint: closed({ envelope: str({ description: 'C2SP signed note' }) }),
      }),
      canonicalizedBody: b64('the hashedrekord body exactly as logged'),
    },
    ['integratedTime', 'inclusionPromise'],
  ),
};

export const sigstoreBundleSchema = {
  $id: 'SigstoreBundle',
  description: 'The same signature, log entry and RFC 3161 timestamp as a Sigstore bundle v0.3, for standard Sigstore verifiers',
  ...closed({
    mediaType: str({ enum: ['application/vnd.dev.sigstore.bundle.v0.3+json'] }),
    verificationMaterial: closed(
      {
        publicKey: closed({ hint: str({ description: '`<key_id>:v<key_version>`: one signing-key version of the trust root' }) }),
        tlogEntries: arrayOf(ref('BundleTlogEntry'), { minItems: 1, maxItems: 1 }),
        timestampVerificationData: closed(
          {
            rfc3161Timestamps: arrayOf(closed({ signedTimestamp: b64('DER TimeStampResp over the signature') }), { minItems: 1 }),
          },
          [],
          { description: 'absent when timestamps are off (NOTARY_TIMESTAMPS=off) or on receipts made before timestamps' },
        ),
      },
      ['timestampVerificationData'],
    ),
    messageSignature: closed({
      messageDigest: closed({
        algorithm: str({ enum: ['SHA2_256', 'SHA2_384'] }),
        digest: b64('SHA-256 (P-256 keys) or SHA-384 (P-384 keys) of the RFC 8785 bytes'),
      }),
      signature: b64('DER ECDSA P-256 or P-384'),
    }),
  }),
};
