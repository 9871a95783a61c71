/**
 * Rekor v2's hashedrekord 0.0.2 (rekor-tiles api/proto/rekor/v2): the request
 * `POST /api/v2/log/entries` takes, and the entry it logs — the protojson of `Entry`, canonicalized
 * (RFC 8785) by the log. bytes are standard base64; the verifier's key is SPKI DER. A 0.0.2 body is
 * read back by hashedrekord.ts, with 0.0.1 ones.
 */
import { createPublicKey } from 'node:crypto';
import canonicalize from 'canonicalize';
import { algorithmOfKey, SIGNING_ALGORITHMS } from '../signing-algorithm.js';
import { checkedDigest, HASHEDREKORD_V2, type HashedRekordFields } from './hashedrekord.js';

/** The key details name the hash too (PKIX_ECDSA_P384_SHA_384): Rekor v2 takes the digest's algorithm from them. */
function parts(f: HashedRekordFields) {
  const hash = checkedDigest(f);
  const key = createPublicKey(f.publicKeyPem);
  const spec = SIGNING_ALGORITHMS[algorithmOfKey(key)];
  if (spec.hash !== hash) throw new Error(`a ${spec.namedCurve} key signs ${spec.hash} digests, not ${hash}`);
  const rawBytes = key.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    algorithm: spec.bundleHash,
    digest: Buffer.from(f.digestHex, 'hex').toString('base64'),
    signature: { content: f.signature.toString('base64'), verifier: { publicKey: { rawBytes }, keyDetails: spec.keyDetails } },
  };
}

/** The CreateEntryRequest body of `POST /api/v2/log/entries`. */
export function hashedRekordV2Request(f: HashedRekordFields): object {
  const { digest, signature } = parts(f);
  return { hashedRekordRequestV002: { digest, signature } };
}

/** The entry Rekor v2 logs for that request, canonicalized: exactly the leaf's bytes. */
export function hashedRekordV2Body(f: HashedRekordFields): Buffer {
  const { algorithm, digest, signature } = parts(f);
  const entry = {
    apiVersion: HASHEDREKORD_V2,
    kind: 'hashedrekord',
    spec: { hashedRekordV002: { data: { algorithm, digest }, signature } },
  };
  return Buffer.from(canonicalize(entry) as string, 'utf8');
}
