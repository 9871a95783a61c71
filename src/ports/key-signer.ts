import type { SigningAlgorithm } from '../core/signing-algorithm.js';

export type { SigningAlgorithm };

/** What a signer needs to sign one evidence package. */
export interface SignRequest {
  /** RFC 8785 canonical bytes of the evidence package. */
  canonical: Uint8Array;
  /**
   * The digest of `canonical` that `algorithm` calls for (SHA-256 for P-256, SHA-384 for P-384), as
   * the core computed it from the signer's own `algorithm`. Signers that sign a pre-computed digest
   * (Vault, PKCS#11) use it; they refuse a request whose algorithm is not their key's.
   */
  digest: Uint8Array;
  algorithm: SigningAlgorithm;
}

export interface SignatureResult {
  /** ASN.1 DER ECDSA signature over the digest `algorithm` calls for. */
  signature: Buffer;
  keyId: string;
  keyVersion: number;
  /** SPKI PEM of the exact key version that signed. */
  publicKeyPem: string;
  /** the algorithm of the key version that signed (what verifiers and the log are told) */
  algorithm: SigningAlgorithm;
}

export interface PublicKeyVersion {
  keyId: string;
  version: number;
  algorithm: SigningAlgorithm;
  publicKeyPem: string;
  createdAt: string; // RFC 3339
}

/** Port: signs with a versioned ECDSA key, P-256 or P-384 (Vault transit, the embedded keyring, PKCS#11). */
export interface KeySigner {
  readonly backend: string;
  /** The algorithm of the key version the next signature will use; the core hashes accordingly. */
  readonly algorithm: SigningAlgorithm;
  sign(request: SignRequest): Promise<SignatureResult>;
  /** Every version, oldest first; old versions stay listed so old signatures keep verifying. */
  publicKeys(): Promise<PublicKeyVersion[]>;
  /** Public key of one version, or undefined if the version is unknown. */
  publicKey(version: number): Promise<PublicKeyVersion | undefined>;
  rotate(): Promise<PublicKeyVersion>;
  /** Throws when the signer cannot sign right now (sealed Vault, missing key …). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
