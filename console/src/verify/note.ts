/**
 * A log's signed checkpoint (C2SP signed note), checked against the pinned log key with WebCrypto.
 * Parsing is the service's own (src/core/transparency/checkpoint.ts); only the signature differs.
 * Key IDs, whose first 4 bytes each signature line repeats, follow c2sp.org/signed-note:
 *   ECDSA (Rekor's convention): SHA-256(SubjectPublicKeyInfo DER)
 *   Ed25519: SHA-256(name || 0x0A || 0x01 || 32-byte public key)
 */
import { parseCheckpoint, parseSignedNote, type Checkpoint } from '../../../src/core/transparency/checkpoint.js';
import type { TrustedLog } from './trust-root.js';
import { sha256, toHex, verifySignature } from './webcrypto.js';

export interface VerifiedCheckpoint extends Checkpoint {
  /** hex key ID of the log key that signed it */
  keyId: string;
  /** the note exactly as received */
  note: string;
}

export async function noteKeyId(log: Pick<TrustedLog, 'key'>, name: string): Promise<Uint8Array> {
  if (log.key.kind !== 'ed25519') return sha256(log.key.spki);
  const prefix = new TextEncoder().encode(`${name}\n`);
  return sha256(new Uint8Array([...prefix, 0x01, ...log.key.spki.slice(-32)]));
}

/**
 * Verifies a signed checkpoint with the log's key; throws an Error saying what failed. Lines signed
 * by other keys (witnesses) are ignored, as signed-note verifiers must. `keyName`, when given, is the
 * name the log's line must carry (Rekor v2 logs name their key).
 */
export async function verifyCheckpointNote(note: string, log: Pick<TrustedLog, 'key'>, keyName?: string): Promise<VerifiedCheckpoint> {
  const parsed = parseSignedNote(note);
  const data = new TextEncoder().encode(parsed.body);
  let hinted = false;
  for (const s of parsed.signatures) {
    if (keyName !== undefined && s.name !== keyName) continue;
    const id = await noteKeyId(log, s.name);
    if (!Buffer.from(id.subarray(0, 4)).equals(s.keyHint)) continue;
    hinted = true;
    if (await verifySignature(log.key, s.signature, data)) return { ...parseCheckpoint(parsed.body), keyId: toHex(id), note };
  }
  throw new Error(
    hinted ? 'checkpoint signature does not verify with the log key' : 'checkpoint has no signature from the log key (key hint mismatch)',
  );
}
