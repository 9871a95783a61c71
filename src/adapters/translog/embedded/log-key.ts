import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SqlClient, SqlQueryable } from '../../db/sql-client.js';
import { seal, unseal, type Sealed } from '../../signer/local/key-encryption.js';
import { generateEd25519Key, generateP256KeyPair } from '../../../core/keys.js';

export interface LogKey {
  /** ECDSA P-256: SETs, the log ID and the Rekor-compatible checkpoint signature */
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Ed25519: a second checkpoint signature of the C2SP type, which witnesses and tile clients verify */
  noteKey: { privateKey: KeyObject; publicKey: KeyObject };
}

const LOG_KEY_LOCK = 7_414_2025;
const AAD = 'afdp-notary-log-key';
const ECDSA_ROW = 1;
const ED25519_ROW = 2;

/** Loads the log's signing keys from the shared database, creating them once (replicas race on a lock). */
export async function loadOrCreateLogKey(db: SqlClient, kek: Buffer): Promise<LogKey> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOG_KEY_LOCK]);
    const ecdsa = await loadOrCreate(tx, kek, ECDSA_ROW, () => generateP256KeyPair().privateKey);
    // a log created before witnesses were supported gets its Ed25519 key on the next start
    const ed25519 = await loadOrCreate(tx, kek, ED25519_ROW, generateEd25519Key);
    const publicKey = createPublicKey(ecdsa);
    return {
      privateKey: ecdsa,
      publicKey,
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      noteKey: { privateKey: ed25519, publicKey: createPublicKey(ed25519) },
    };
  });
}

async function loadOrCreate(tx: SqlQueryable, kek: Buffer, id: number, generate: () => KeyObject): Promise<KeyObject> {
  // row 1 predates the row number in the associated data: its seal is bound to the purpose only
  const aad = id === ECDSA_ROW ? AAD : `${AAD}:${id}`;
  const { rows } = await tx.query<{ sealed_private: unknown }>('SELECT sealed_private FROM log_keys WHERE id = $1', [id]);
  const row = rows[0];
  if (row) {
    const sealed = (typeof row.sealed_private === 'string' ? JSON.parse(row.sealed_private) : row.sealed_private) as Sealed;
    return createPrivateKey({ key: unseal(kek, sealed, aad), format: 'der', type: 'pkcs8' });
  }
  const privateKey = generate();
  const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const sealed = seal(kek, privateKey.export({ format: 'der', type: 'pkcs8' }), aad);
  await tx.query('INSERT INTO log_keys (id, public_key_pem, sealed_private) VALUES ($1, $2, $3::jsonb)', [
    id,
    publicKeyPem,
    JSON.stringify(sealed),
  ]);
  return privateKey;
}
