import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeySigner, PublicKeyVersion, SignatureResult, SignRequest } from '../../../ports/key-signer.js';
import { loadKek, newScryptParams, seal, unseal, type Sealed, type ScryptParams } from './key-encryption.js';
import { generateEcKeyPair } from '../../../core/keys.js';
import { algorithmOfKey, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../../core/signing-algorithm.js';

interface StoredKey {
  version: number;
  /** absent in keyrings written before P-384 keys existed: those are P-256 */
  algorithm?: SigningAlgorithm;
  createdAt: string;
  publicKeyPem: string;
  privateKey: Sealed;
}

interface KeyringFile {
  format: 'afdp-notary-keyring/1';
  keyId: string;
  scrypt: ScryptParams;
  keys: StoredKey[];
}

export interface LocalKeyringOptions {
  dir: string;
  keyId?: string;
  passphrase?: string;
  /** the curve of keys made from now on (the first one, each rotation); existing versions keep theirs */
  algorithm?: SigningAlgorithm;
  now?: () => Date;
}

interface LoadedKey extends PublicKeyVersion {
  privateKey: KeyObject;
}

/**
 * The embedded signer: ECDSA P-256 or P-384 keys versioned like Vault transit, sealed at rest with
 * AES-256-GCM. Keys are parsed once at load: re-parsing per signature is ~17x slower. A rotation
 * may change the curve (NOTARY_SIGNING_ALGORITHM); older versions keep theirs and keep verifying.
 */
export class LocalKeyringSigner implements KeySigner {
  readonly backend = 'local';
  private readonly path: string;
  private readonly kek: Buffer;
  private file: KeyringFile;
  private readonly loaded = new Map<number, LoadedKey>();
  private latest!: LoadedKey;
  private readonly now: () => Date;
  private readonly newKeys: SigningAlgorithm;

  constructor(options: LocalKeyringOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.path = join(options.dir, 'keyring.json');
    this.now = options.now ?? (() => new Date());
    this.newKeys = options.algorithm ?? 'ecdsa-p256';
    const existing = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as KeyringFile) : undefined;
    this.file = existing ?? {
      format: 'afdp-notary-keyring/1',
      keyId: options.keyId ?? 'afdp-notary-key',
      scrypt: newScryptParams(),
      keys: [],
    };
    this.kek = loadKek({ passphrase: options.passphrase, keyFile: join(options.dir, 'keyring.key') }, this.file.scrypt);
    for (const k of this.file.keys) this.load(k);
    if (this.file.keys.length === 0) this.addVersion();
  }

  get algorithm(): SigningAlgorithm {
    return this.latest.algorithm;
  }

  async sign(request: SignRequest): Promise<SignatureResult> {
    // Node's sign() hashes its input itself, so the canonical bytes are signed, not the digest;
    // the hash is always the one the signing key's curve calls for, whatever the request assumed.
    const key = this.latest;
    const signature = sign(SIGNING_ALGORITHMS[key.algorithm].hash, request.canonical, key.privateKey);
    return { signature, keyId: key.keyId, keyVersion: key.version, publicKeyPem: key.publicKeyPem, algorithm: key.algorithm };
  }

  async publicKeys(): Promise<PublicKeyVersion[]> {
    return [...this.loaded.values()].map(publicPart);
  }

  async publicKey(version: number): Promise<PublicKeyVersion | undefined> {
    const k = this.loaded.get(version);
    return k && publicPart(k);
  }

  async rotate(): Promise<PublicKeyVersion> {
    return publicPart(this.addVersion());
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  private addVersion(): LoadedKey {
    const version = this.file.keys.length + 1;
    const { privateKey, publicKey } = generateEcKeyPair(this.newKeys);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const stored: StoredKey = {
      version,
      ...(this.newKeys !== 'ecdsa-p256' && { algorithm: this.newKeys }),
      createdAt: this.now().toISOString(),
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      privateKey: seal(this.kek, der, this.aad(version)),
    };
    const next = { ...this.file, keys: [...this.file.keys, stored] };
    writeAtomically(this.path, JSON.stringify(next, null, 2));
    this.file = next;
    return this.load(stored);
  }

  private load(k: StoredKey): LoadedKey {
    const der = unseal(this.kek, k.privateKey, this.aad(k.version));
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const loaded: LoadedKey = {
      keyId: this.file.keyId,
      version: k.version,
      // the sealed key says its curve; the clear `algorithm` field is only for people reading the file
      algorithm: algorithmOfKey(privateKey),
      publicKeyPem: k.publicKeyPem,
      createdAt: k.createdAt,
      privateKey,
    };
    this.loaded.set(k.version, loaded);
    if (!this.latest || k.version > this.latest.version) this.latest = loaded;
    return loaded;
  }

  private aad(version: number): string {
    return `${this.file.keyId}:v${version}`;
  }
}

const publicPart = ({ keyId, version, algorithm, publicKeyPem, createdAt }: LoadedKey): PublicKeyVersion => ({
  keyId,
  version,
  algorithm,
  publicKeyPem,
  createdAt,
});

function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}
