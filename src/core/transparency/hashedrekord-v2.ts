/**
 * Rekor v2's hashedrekord 0.0.2 (rekor-tiles api/proto/rekor/v2): the request
 * `POST /api/v2/log/entries` takes, and the entry it logs — the protojson of `Entry`, canonicalized
 * (RFC 8785) by the log. bytes are standard base64; the verifier's key is SPKI DER.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import canonicalize from 'canonicalize';
import { algorithmOfKey, SIGNING_ALGORITHMS, specOfBundleHash } from '../signing-algorithm.js';
import { checkedDigest, type HashedRekordFields } from './hashedrekord-fields.js';

export const HASHEDREKORD_V2 = '0.0.2';

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

/** The spec of a parsed 0.0.2 body; throws Error naming the first wrong field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untrusted JSON, every field type-checked before use
export function parseHashedRekordV2Spec(spec: any): HashedRekordFields {
  const v = spec?.hashedRekordV002;
  const algo = typeof v?.data?.algorithm === 'string' ? specOfBundleHash(v.data.algorithm) : undefined;
  if (!algo || typeof v.data.digest !== 'string') throw new Error('body data is not a SHA2_256 or SHA2_384 digest');
  const digest = Buffer.from(v.data.digest, 'base64');
  if (digest.length !== algo.digestBytes) throw new Error(`body digest is not ${algo.digestBytes} bytes`);
  const sig = v.signature;
  if (typeof sig?.content !== 'string') throw new Error('body has no signature content');
  const verifier = sig.verifier;
  let publicKeyPem: string;
  if (typeof verifier?.publicKey?.rawBytes === 'string') {
    publicKeyPem = createPublicKey({ key: Buffer.from(verifier.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } else if (typeof verifier?.x509Certificate?.rawBytes === 'string') {
    publicKeyPem = new X509Certificate(Buffer.from(verifier.x509Certificate.rawBytes, 'base64')).toString();
  } else {
    throw new Error('body verifier has neither a public key nor a certificate');
  }
  return {
    digestHex: digest.toString('hex'),
    ...(algo.hash !== 'sha256' && { hashAlgorithm: algo.hash }),
    signature: Buffer.from(sig.content, 'base64'),
    publicKeyPem,
  };
}
