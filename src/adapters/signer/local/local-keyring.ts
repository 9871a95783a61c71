import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeySigner, PublicKeyVersion, SignatureResult, SignRequest } from '../../../ports/key-signer.js';
import { loadKek, newScryptParams, seal, unseal, type Sealed, type ScryptParams } from './key-encryption.js';
import { generateP256KeyPair } from '../../../core/keys.js';

interface StoredKey {
  version: number;
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
  now?: () => Date;
}

interface LoadedKey extends PublicKeyVersion {
  privateKey: KeyObject;
}

/**
 * The embedded signer: ECDSA P-256 keys versioned like Vault transit, sealed at rest with
 * AES-256-GCM. Keys are parsed once at load: re-parsing per signature is ~17x slower.
 */
export class LocalKeyringSigner implements KeySigner {
  readonly backend = 'local';
  private readonly path: string;
  private readonly kek: Buffer;
  private file: KeyringFile;
  private readonly loaded = new Map<number, LoadedKey>();
  private latest!: LoadedKey;
  private readonly now: () => Date;

  constructor(options: LocalKeyringOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.path = join(options.dir, 'keyring.json');
    this.now = options.now ?? (() => new Date());
    const existing = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as KeyringFile) : undefined;
    this.file = existing ?? { format: 'afdp-notary-keyring/1', keyId: options.keyId ?? 'afdp-notary-key', scrypt: newScryptParams(), keys: [] };
    this.kek = loadKek({ passphrase: options.passphrase, keyFile: join(options.dir, 'keyring.key') }, this.file.scrypt);
    for (const k of this.file.keys) this.load(k);
    if (this.file.keys.length === 0) this.addVersion();
  }

  async sign(request: SignRequest): Promise<SignatureResult> {
    // Node's sign() hashes its input itself, so the canonical bytes are signed, not the digest.
    const signature = sign('sha256', request.canonical, this.latest.privateKey);
    return { signature, keyId: this.latest.keyId, keyVersion: this.latest.version, publicKeyPem: this.latest.publicKeyPem };
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
    const { privateKey, publicKey } = generateP256KeyPair();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const stored: StoredKey = {
      version,
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
    const loaded: LoadedKey = {
      keyId: this.file.keyId,
      version: k.version,
      algorithm: 'ecdsa-p256',
      publicKeyPem: k.publicKeyPem,
      createdAt: k.createdAt,
      privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
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
  keyId, version, algorithm, publicKeyPem, createdAt,
});

function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}
