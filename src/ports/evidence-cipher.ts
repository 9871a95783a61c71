/**
 * An evidence body as stored: AES-256-GCM under its own data key, the data key wrapped by a
 * key-encryption key (KEK) named by id and version. Every part is base64.
 */
export interface SealedBody {
  kekId: string;
  kekVersion: number;
  /** the data key: iv (12) | tag (16) | ciphertext (32), wrapped by the KEK, bound to the evidence hash */
  wrappedKey: string;
  /** the canonical bytes: iv (12) | tag (16) | ciphertext, under the data key, bound to the evidence hash */
  body: string;
}

/**
 * Port: envelope encryption of evidence bodies (the canonical bytes) at rest, with the KEK in the
 * keyring folder (LocalEvidenceCipher) or in Vault transit (VaultEvidenceCipher). Asynchronous: a
 * remote KEK may have to be asked. A KEK that cannot be reached is a NotaryError 'unavailable'.
 */
export interface EvidenceCipher {
  /** Seals `plaintext` under a data key; `hashHex` is bound in as associated data. */
  seal(hashHex: string, plaintext: Buffer): Promise<SealedBody>;
  /** The plaintext, or an EvidenceIntegrityError when a tag or the associated data does not match. */
  open(hashHex: string, sealed: SealedBody): Promise<Buffer>;
  /** The data key wrapped again by the latest KEK version; undefined when it already is. */
  rewrap(hashHex: string, sealed: SealedBody): Promise<Pick<SealedBody, 'kekId' | 'kekVersion' | 'wrappedKey'> | undefined>;
  /** Adds a KEK version: new bodies are wrapped by it; `rewrap` moves old ones. */
  rotate(): Promise<number>;
  latestVersion(): Promise<number>;
  close?(): Promise<void>;
}

/** A stored body whose tag does not verify: altered, swapped with another row's, or the wrong KEK. */
export class EvidenceIntegrityError extends Error {
  readonly code = 'evidence_integrity';
  constructor(
    readonly hashHex: string,
    what: string,
  ) {
    super(`evidence ${hashHex}: the stored ${what} does not authenticate (altered, swapped between rows, or sealed by another key)`);
    this.name = 'EvidenceIntegrityError';
  }
}
