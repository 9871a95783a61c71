/** What a signer needs to sign one evidence package. */
export interface SignRequest {
  /** RFC 8785 canonical bytes of the evidence package. */
  canonical: Uint8Array;
  /** SHA-256 of `canonical` (32 bytes). Signers that can sign a pre-computed digest use it. */
  digest: Uint8Array;
}

export interface SignatureResult {
  /** ASN.1 DER ECDSA P-256 signature over SHA-256(canonical). */
  signature: Buffer;
  keyId: string;
  keyVersion: number;
  /** SPKI PEM of the exact key version that signed. */
  publicKeyPem: string;
}

export interface PublicKeyVersion {
  keyId: string;
  version: number;
  algorithm: 'ecdsa-p256';
  publicKeyPem: string;
  createdAt: string; // RFC 3339
}

/** Port: signs digests with a versioned ECDSA P-256 key (Vault transit or the embedded keyring). */
export interface KeySigner {
  readonly backend: string;
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
