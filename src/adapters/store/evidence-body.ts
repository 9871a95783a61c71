import type { CanonicalEvidence } from '../../core/evidence.js';
import type { EvidenceCipher, SealedBody } from '../../ports/evidence-cipher.js';
import { EvidenceIntegrityError } from '../../ports/evidence-cipher.js';
import { sha256 } from '../../core/canonical.js';

/** The body columns of an evidence row, in the order `bodyValues` gives them. */
export const BODY_COLUMNS = 'canonical, body_kek, body_kek_version, body_wrapped_key, body';
/** The body columns' types, for `unnestInsert`. */
export const BODY_TYPES = ['text', 'text', 'int', 'text', 'text'];

export interface BodyRow {
  hash: string;
  canonical: string | null;
  body_kek: string | null;
  body_kek_version: number | null;
  body_wrapped_key: string | null;
  body: string | null;
  body_purged_at: unknown;
}

/** The body column values, in BODY_COLUMNS order: sealed before the write (a remote KEK is never asked inside a transaction). */
export type BodyValues = unknown[];

/** The body stored in clear, as before issue 22. */
export const clearBody = (e: CanonicalEvidence): BodyValues => [e.canonical.toString('utf8'), null, null, null, null];

/** Sealed under a data key when a cipher is set (the service always sets one); else clear, as before issue 22. */
export async function bodyValues(cipher: EvidenceCipher | undefined, e: CanonicalEvidence): Promise<BodyValues> {
  if (!cipher) return clearBody(e);
  const s = await cipher.seal(e.hashHex, e.canonical);
  return [null, s.kekId, s.kekVersion, s.wrappedKey, s.body];
}

export const sealedOf = (r: BodyRow): SealedBody | undefined =>
  r.body !== null && r.body_wrapped_key !== null && r.body_kek !== null && r.body_kek_version !== null
    ? { kekId: r.body_kek, kekVersion: Number(r.body_kek_version), wrappedKey: r.body_wrapped_key, body: r.body }
    : undefined;

/**
 * The canonical bytes of a row: decrypted (tag and AAD checked) and checked against the row's hash,
 * read in clear for rows written before encryption; 'purged' once retention removed the body.
 */
export async function openBody(cipher: EvidenceCipher | undefined, r: BodyRow): Promise<Buffer | 'purged'> {
  if (r.body_purged_at !== null && r.body_purged_at !== undefined) return 'purged';
  const sealed = sealedOf(r);
  let bytes: Buffer;
  if (sealed) {
    if (!cipher) throw new EvidenceIntegrityError(r.hash, 'body (encrypted, but this store has no evidence key)');
    bytes = await cipher.open(r.hash, sealed);
  } else bytes = Buffer.from(r.canonical ?? '', 'utf8');
  if (sha256(bytes).toString('hex') !== r.hash) throw new EvidenceIntegrityError(r.hash, "body (its SHA-256 is not the row's hash)");
  return bytes;
}
