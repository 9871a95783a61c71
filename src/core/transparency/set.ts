/**
 * Rekor SignedEntryTimestamp: the log's ECDSA signature over the RFC 8785 form of
 * models.LogEntryAnon {body, integratedTime, logID, logIndex} (rekor pkg/api/entries.go signEntry).
 * logIndex is the global index, not the shard-local one in the inclusion proof.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';

export interface SetPayload {
  body: string; // base64 canonical entry body
  integratedTime: number; // unix seconds
  logID: string; // hex
  logIndex: number;
}

export function setPayloadBytes(p: SetPayload): Buffer {
  const text = canonicalize({ body: p.body, integratedTime: p.integratedTime, logID: p.logID, logIndex: p.logIndex });
  if (text === undefined) throw new Error('SET payload has no JSON form');
  return Buffer.from(text, 'utf8');
}

/** Returns the base64 DER signature Rekor puts in verification.signedEntryTimestamp. */
export function signSET(p: SetPayload, privateKey: KeyObject): string {
  return sign('sha256', setPayloadBytes(p), privateKey).toString('base64');
}

export function verifySET(entry: SetPayload & { signedEntryTimestamp: string }, publicKey: KeyObject): boolean {
  try {
    const sig = Buffer.from(entry.signedEntryTimestamp, 'base64');
    return sig.length > 0 && verify('sha256', setPayloadBytes(entry), publicKey, sig);
  } catch {
    return false;
  }
}
