/**
 * The embedded TSA's keys in the shared database, created and rotated under an advisory lock so
 * replicas agree: a root (20 years) and TSA signing certificates it issues (5 years), a new one a
 * year before the current one expires, or on request. Private keys are sealed like the log key.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { generateP256KeyPair } from '../../../core/keys.js';
import { seal, unseal, type Sealed } from '../../signer/local/key-encryption.js';
import type { SqlClient, SqlQueryable } from '../../db/sql-client.js';
import { makeCertificate } from './certificates.js';

export interface TsaKey {
  id: number;
  role: 'root' | 'tsa';
  issuerId: number | null;
  certificate: X509Certificate;
  privateKey: KeyObject;
  createdAt: Date;
}

export interface TsaKeyPolicy {
  /** subject names: `<name> TSA root`, `<name> TSA` */
  name: string;
  now: () => Date;
  rootYears?: number;
  tsaYears?: number;
  /** a TSA certificate is replaced this long before it expires */
  renewBeforeDays?: number;
}

const LOCK = 7_414_2027;
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const SKEW = 5 * 60_000; // notBefore a little early: replicas' clocks differ

/**
 * Every key, oldest first, after making sure a current TSA certificate exists. `rotateFrom`: the
 * id of the TSA certificate the caller wants replaced (replaced only if it is still the newest, so
 * replicas asking at once rotate once).
 */
export function loadTsaKeys(db: SqlClient, kek: Buffer, policy: TsaKeyPolicy, rotateFrom?: number): Promise<TsaKey[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    const keys = await readKeys(tx, kek);
    const now = policy.now();
    const tsaLife = (policy.tsaYears ?? 5) * YEAR;
    let root = keys.filter((k) => k.role === 'root').at(-1);
    if (!root || root.certificate.validToDate.getTime() - now.getTime() < tsaLife) {
      root = await insertKey(tx, kek, keys, { role: 'root', now, years: policy.rootYears ?? 20, name: policy.name });
    }
    const tsa = keys.filter((k) => k.role === 'tsa').at(-1);
    const renewAt = (k: TsaKey) => k.certificate.validToDate.getTime() - (policy.renewBeforeDays ?? 365) * DAY;
    if (!tsa || tsa.issuerId !== root.id || now.getTime() >= renewAt(tsa) || tsa.id === rotateFrom) {
      await insertKey(tx, kek, keys, { role: 'tsa', now, years: policy.tsaYears ?? 5, name: policy.name, issuer: root });
    }
    return keys;
  });
}

/** When the newest TSA certificate is due for replacement. */
export function renewalTime(keys: TsaKey[], policy: TsaKeyPolicy): Date {
  const tsa = currentTsaKey(keys);
  return new Date(tsa.certificate.validToDate.getTime() - (policy.renewBeforeDays ?? 365) * DAY);
}

export function currentTsaKey(keys: TsaKey[]): TsaKey {
  const tsa = keys.filter((k) => k.role === 'tsa').at(-1);
  if (!tsa) throw new Error('the embedded TSA has no signing certificate');
  return tsa;
}

async function readKeys(tx: SqlQueryable, kek: Buffer): Promise<TsaKey[]> {
  const { rows } = await tx.query<{
    id: number;
    role: 'root' | 'tsa';
    issuer_id: number | null;
    certificate_pem: string;
    sealed_private: unknown;
    created_at: unknown;
  }>('SELECT id, role, issuer_id, certificate_pem, sealed_private, created_at FROM tsa_keys ORDER BY id');
  return rows.map((r) => {
    const sealed = (typeof r.sealed_private === 'string' ? JSON.parse(r.sealed_private) : r.sealed_private) as Sealed;
    return {
      id: Number(r.id),
      role: r.role,
      issuerId: r.issuer_id === null ? null : Number(r.issuer_id),
      certificate: new X509Certificate(r.certificate_pem),
      privateKey: createPrivateKey({ key: unseal(kek, sealed, aad(Number(r.id))), format: 'der', type: 'pkcs8' }),
      createdAt: new Date(String(r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at)),
    };
  });
}

async function insertKey(
  tx: SqlQueryable,
  kek: Buffer,
  keys: TsaKey[],
  o: { role: 'root' | 'tsa'; now: Date; years: number; name: string; issuer?: TsaKey },
): Promise<TsaKey> {
  const id = (keys.at(-1)?.id ?? 0) + 1;
  const { privateKey, publicKey } = generateP256KeyPair();
  const certificate = makeCertificate({
    commonName: o.role === 'root' ? `${o.name} TSA root` : `${o.name} TSA`,
    organization: 'AFDP Notary',
    publicKey,
    signingKey: o.issuer?.privateKey ?? privateKey,
    issuer: o.issuer?.certificate,
    notBefore: new Date(o.now.getTime() - SKEW),
    // a TSA certificate never outlives the root that issued it
    notAfter: new Date(Math.min(o.now.getTime() + o.years * YEAR, o.issuer?.certificate.validToDate.getTime() ?? Infinity)),
    kind: o.role,
  });
  const sealed = seal(kek, privateKey.export({ format: 'der', type: 'pkcs8' }), aad(id));
  await tx.query(
    'INSERT INTO tsa_keys (id, role, issuer_id, certificate_pem, sealed_private, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
    [id, o.role, o.issuer?.id ?? null, certificate.toString(), JSON.stringify(sealed), o.now.toISOString()],
  );
  const key: TsaKey = { id, role: o.role, issuerId: o.issuer?.id ?? null, certificate, privateKey, createdAt: o.now };
  keys.push(key);
  return key;
}

/** The sealed key is bound to its row: it cannot be moved to another one. */
const aad = (id: number) => `afdp-notary-tsa-key:${id}`;
