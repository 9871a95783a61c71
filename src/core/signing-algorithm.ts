/**
 * The signing algorithms a notary key may have, and everything that follows from one: the curve
 * fixes the digest (Suite B: P-256 with SHA-256, P-384 with SHA-384), and the digest fixes how the
 * signature is named in a hashedrekord entry, a Sigstore bundle and a Vault transit request. A
 * signer reports its key's algorithm; nothing else chooses it. Pure (the console bundles it).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'ecdsa-p256' | 'ecdsa-p384';
export type HashName = 'sha256' | 'sha384';

export interface AlgorithmSpec {
  /** node:crypto's digest name */
  hash: HashName;
  /** bytes of that digest */
  digestBytes: number;
  /** OpenSSL's curve name, as KeyObject.asymmetricKeyDetails.namedCurve says it */
  curve: 'prime256v1' | 'secp384r1';
  /** the JOSE / WebCrypto curve name */
  namedCurve: 'P-256' | 'P-384';
  /** WebCrypto's digest name */
  webHash: 'SHA-256' | 'SHA-384';
  /** sigstore protobuf-specs PublicKeyDetails */
  keyDetails: 'PKIX_ECDSA_P256_SHA_256' | 'PKIX_ECDSA_P384_SHA_384';
  /** sigstore protobuf-specs HashAlgorithm */
  bundleHash: 'SHA2_256' | 'SHA2_384';
  /** Vault transit's hash_algorithm */
  vaultHash: 'sha2-256' | 'sha2-384';
  label: string;
}

export const SIGNING_ALGORITHMS: Readonly<Record<SigningAlgorithm, AlgorithmSpec>> = {
  'ecdsa-p256': {
    hash: 'sha256',
    digestBytes: 32,
    curve: 'prime256v1',
    namedCurve: 'P-256',
    webHash: 'SHA-256',
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    bundleHash: 'SHA2_256',
    vaultHash: 'sha2-256',
    label: 'ECDSA P-256 / SHA-256',
  },
  'ecdsa-p384': {
    hash: 'sha384',
    digestBytes: 48,
    curve: 'secp384r1',
    namedCurve: 'P-384',
    webHash: 'SHA-384',
    keyDetails: 'PKIX_ECDSA_P384_SHA_384',
    bundleHash: 'SHA2_384',
    vaultHash: 'sha2-384',
    label: 'ECDSA P-384 / SHA-384',
  },
};

export const isSigningAlgorithm = (v: unknown): v is SigningAlgorithm => v === 'ecdsa-p256' || v === 'ecdsa-p384';

/** The spec whose digest is `hash` (node:crypto's name), or undefined for a digest no notary key uses. */
export const specOfHash = (hash: string): AlgorithmSpec | undefined => Object.values(SIGNING_ALGORITHMS).find((s) => s.hash === hash);

/** The same by Sigstore's HashAlgorithm name (SHA2_384). */
export const specOfBundleHash = (hash: string): AlgorithmSpec | undefined =>
  Object.values(SIGNING_ALGORITHMS).find((s) => s.bundleHash === hash);

const byCurve = new Map(Object.entries(SIGNING_ALGORITHMS).map(([a, s]) => [s.curve as string, a as SigningAlgorithm]));
const memo = new Map<string, SigningAlgorithm>();

/** The algorithm of an EC public (or private) key; throws for any other key. PEMs are parsed once. */
export function algorithmOfKey(key: KeyObject | string): SigningAlgorithm {
  if (typeof key === 'string') {
    const known = memo.get(key);
    if (known) return known;
    const algorithm = algorithmOfKey(createPublicKey(key));
    if (memo.size < 1024) memo.set(key, algorithm);
    return algorithm;
  }
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const algorithm = curve === undefined ? undefined : byCurve.get(curve);
  if (!algorithm) throw new Error(`not an ECDSA P-256 or P-384 key (${key.asymmetricKeyType} ${curve ?? ''})`);
  return algorithm;
}

/** The digest a signature by a key of `algorithm` covers: SHA-256 or SHA-384 of the bytes. */
export function digestFor(algorithm: SigningAlgorithm, bytes: Uint8Array): Buffer {
  return createHash(SIGNING_ALGORITHMS[algorithm].hash).update(bytes).digest();
}
