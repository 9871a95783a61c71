import { arrayOf, closed, dateTime, int, ref, str } from './json.js';

export const signingKeySchema = {
  $id: 'SigningKey',
  ...closed({
    key_id: str(), version: int({ minimum: 1 }), algorithm: str({ enum: ['ecdsa-p256'] }),
    public_key_pem: str({ description: 'SPKI PEM' }), created_at: dateTime(),
  }),
};

export const trustRootSchema = {
  $id: 'TrustRoot',
  description: 'Everything a verifier needs, to be published out of band: every signing-key version and the transparency log',
  ...closed({
    signing_keys: arrayOf(ref('SigningKey')),
    transparency_log: closed({
      log_id: str({ description: 'hex SHA-256 of the log\'s public key (DER): the receipts\' transparency_log_id' }),
      url: str({ description: 'the receipts\' rekor_server_url' }),
      public_key_pem: str(),
      origin: str({ description: 'the checkpoint signer name (C2SP signed note)' }),
    }),
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
      rootHash: str({ description: 'hex' }), treeSize: int({ minimum: 0 }),
      signedTreeHead: str({ description: 'the latest checkpoint, a C2SP signed note' }), treeID: str(),
    }),
  },
  { $id: 'ConsistencyProof', ...closed({ rootHash: str({ description: 'hex, of the tree at lastSize' }), hashes: arrayOf(str()) }) },
  {
    $id: 'LogEntry',
    description: 'One Rekor v1 log entry',
    ...closed({
      body: str({ description: 'base64 canonical hashedrekord 0.0.1 JSON' }),
      integratedTime: int(), logID: str(), logIndex: int({ minimum: 0 }),
      verification: closed({ inclusionProof: ref('InclusionProof'), signedEntryTimestamp: str({ description: 'base64 DER' }) }),
    }),
  },
  {
    $id: 'LogEntryMap',
    description: 'Rekor\'s answer: `{ "<entry uuid>": LogEntry }`, one key',
    type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: ref('LogEntry'),
  },
];
