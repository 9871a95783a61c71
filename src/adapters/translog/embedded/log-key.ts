import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SqlClient } from '../../store/sql-client.js';
import { seal, unseal, type Sealed } from '../../signer/local/key-encryption.js';
import { generateP256KeyPair } from '../../../core/keys.js';

export interface LogKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

const LOG_KEY_LOCK = 7_414_2025;
const AAD = 'afdp-notary-log-key';

/** Loads the log's signing key from the shared database, creating it once (replicas race on a lock). */
export async function loadOrCreateLogKey(db: SqlClient, kek: Buffer): Promise<LogKey> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOG_KEY_LOCK]);
    const { rows } = await tx.query<{ public_key_pem: string; sealed_private: unknown }>('SELECT public_key_pem, sealed_private FROM log_keys WHERE id = 1');
    const row = rows[0];
    if (row) {
      const sealed = (typeof row.sealed_private === 'string' ? JSON.parse(row.sealed_private) : row.sealed_private) as Sealed;
      const der = unseal(kek, sealed, AAD);
      return toLogKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    }
    const { privateKey } = generateP256KeyPair();
    const key = toLogKey(privateKey);
    const sealed = seal(kek, privateKey.export({ format: 'der', type: 'pkcs8' }), AAD);
    await tx.query('INSERT INTO log_keys (id, public_key_pem, sealed_private) VALUES (1, $1, $2::jsonb)', [key.publicKeyPem, JSON.stringify(sealed)]);
    return key;
  });
}

function toLogKey(privateKey: KeyObject): LogKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}
