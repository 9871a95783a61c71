/**
 * One signature over some bytes with whatever key the signer holds: the digest follows the key's
 * algorithm (the signer reports it), and the anchor request tells the log the same digest and
 * hash the signature covers, so Rekor, the embedded log and Sigstore verifiers check it alike.
 */
import type { KeySigner, SignatureResult } from '../ports/key-signer.js';
import type { AnchorRequest } from '../ports/transparency-log.js';
import { algorithmOfKey, digestFor, SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithm.js';

export interface SignedBytes {
  sig: SignatureResult;
  anchor: AnchorRequest;
}

/** `sha256` is the SHA-256 of `bytes` when the caller has it already (the evidence hash). */
export async function signBytes(signer: KeySigner, bytes: Uint8Array, sha256?: Buffer): Promise<SignedBytes> {
  const algorithm = signer.algorithm;
  const digest = algorithm === 'ecdsa-p256' && sha256 ? sha256 : digestFor(algorithm, bytes);
  const sig = await signer.sign({ canonical: bytes, digest, algorithm });
  // a rotation that changed the curve may land between reading the algorithm and signing: the log is told what was signed
  const signed = sig.algorithm === algorithm ? digest : digestFor(sig.algorithm, bytes);
  const hash = SIGNING_ALGORITHMS[sig.algorithm].hash;
  return {
    sig,
    anchor: {
      digestHex: signed.toString('hex'),
      ...(hash !== 'sha256' && { hashAlgorithm: hash }),
      signature: sig.signature,
      publicKeyPem: sig.publicKeyPem,
    },
  };
}

/**
 * What a log entry for `signature` by `publicKeyPem` over `bytes` must say: the digest the key's
 * algorithm calls for. A key that is no P-256/P-384 key gets SHA-256 (its entry fails elsewhere).
 */
export function expectedAnchor(bytes: Uint8Array, publicKeyPem: string, signature: Buffer, sha256Hex?: string): AnchorRequest {
  let algorithm: SigningAlgorithm = 'ecdsa-p256';
  try {
    algorithm = algorithmOfKey(publicKeyPem);
  } catch {
    // not a signing key of ours: compared as SHA-256, it matches nothing
  }
  const hash = SIGNING_ALGORITHMS[algorithm].hash;
  const digestHex = hash === 'sha256' && sha256Hex ? sha256Hex : digestFor(algorithm, bytes).toString('hex');
  return { digestHex, ...(hash !== 'sha256' && { hashAlgorithm: hash }), signature, publicKeyPem };
}
