import { arrayOf, closed, dateTime, int, ref, str } from './json.js';

export const signingKeySchema = {
  $id: 'SigningKey',
  ...closed({
    key_id: str(),
    version: int({ minimum: 1 }),
    algorithm: str({ enum: ['ecdsa-p256', 'ecdsa-p384'] }),
    public_key_pem: str({ description: 'SPKI PEM' }),
    created_at: dateTime(),
  }),
};

export const timestampAuthoritySchema = {
  $id: 'TimestampAuthority',
  description: 'An RFC 3161 timestamp authority whose tokens receipts carry, and the period its certificate was in use',
  ...closed({
    url: str({ description: "`embedded` (this notary's own TSA) or the TSA's URL (NOTARY_TSA_URL)" }),
    cert_chain_pem: arrayOf(str(), { description: "PEM certificates: the TSA's signing certificate first, the root last" }),
    valid_for: closed({ start: dateTime(), end: dateTime('absent while the certificate is in use') }, ['end']),
  }),
};

export const trustRootSchema = {
  $id: 'TrustRoot',
  description:
    'Everything a verifier needs, to be published out of band: every signing-key version, the transparency log and the timestamp authorities',
  ...closed({
    signing_keys: arrayOf(ref('SigningKey')),
    transparency_log: closed(
      {
        log_id: str({
          description: "the receipts' transparency_log_id: hex SHA-256 of the log's public key (DER); on Rekor v2 its checkpoint key ID",
        }),
        url: str({ description: "the receipts' rekor_server_url" }),
        public_key_pem: str(),
        origin: str({ description: 'the checkpoint signer name (C2SP signed note)' }),
        api_version: int({
          enum: [1, 2],
          description: 'Rekor API generation: 1 (Rekor v1 and the embedded log) or 2 (Rekor v2, rekor-tiles)',
        }),
        key_name: str({ description: "the name on the checkpoint's signature lines" }),
        vkey: str({ description: 'C2SP vkey of the Ed25519 checkpoint key, for witnesses and tile clients' }),
        tiles_url: str({ description: "where the log's C2SP tlog-tiles are read (`<tiles_url>/checkpoint`, `/tile/…`)" }),
      },
      ['vkey', 'tiles_url'],
    ),
    timestamp_authorities: arrayOf(ref('TimestampAuthority'), { description: 'empty when timestamps are off (NOTARY_TIMESTAMPS=off)' }),
  }),
};

export const healthSchema = {
  $id: 'Health',
  ...closed({
    status: str({ enum: ['healthy'], description: 'the process answers (liveness); readiness is GET /ready' }),
    timestamp: dateTime(),
    version: str(),
  }),
};

export const readySchema = { $id: 'Ready', ...closed({ status: str({ enum: ['ready'] }) }) };

/** The embedded log's read API, in Rekor v1's shapes (LogInfo, ConsistencyProof, LogEntry). */
export const logSchemas = [
  {
    $id: 'LogInfo',
    ...closed({
      rootHash: str({ description: 'hex' }),
      treeSize: int({ minimum: 0 }),
      signedTreeHead: str({ description: 'the latest checkpoint, a C2SP signed note' }),
      treeID: str(),
    }),
  },
  { $id: 'ConsistencyProof', ...closed({ rootHash: str({ description: 'hex, of the tree at lastSize' }), hashes: arrayOf(str()) }) },
  {
    $id: 'LogEntry',
    description: 'One Rekor v1 log entry',
    ...closed({
      body: str({ description: 'base64 canonical hashedrekord 0.0.1 JSON' }),
      integratedTime: int(),
      logID: str(),
      logIndex: int({ minimum: 0 }),
      verification: closed({ inclusionProof: ref('InclusionProof'), signedEntryTimestamp: str({ description: 'base64 DER' }) }),
    }),
  },
  {
    $id: 'LogEntryMap',
    description: 'Rekor\'s answer: `{ "<entry uuid>": LogEntry }`, one key',
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: ref('LogEntry'),
  },
];
