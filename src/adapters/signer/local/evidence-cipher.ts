import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceIntegrityError, type EvidenceCipher, type SealedBody } from '../../../ports/evidence-cipher.js';
import { bodyAad, gcmOpen, gcmSeal } from '../envelope.js';
import { loadKek, newScryptParams, seal, unseal, type Sealed, type ScryptParams } from './key-encryption.js';

export const EVIDENCE_KEKS_FILE = 'evidence-keks.json';

export interface KekFile {
  format: 'afdp-notary-evidence-keks/1';
  kekId: string;
  scrypt: ScryptParams;
  /** every version ever made, in order; a retired one (kek-retirement.ts) keeps its slot but not its key */
  keys: { version: number; createdAt: string; key?: Sealed; retiredAt?: string }[];
}

export interface LocalEvidenceCipherOptions {
  /** the keyring folder: the KEKs are sealed like the signing keys (passphrase or keyring.key) and backed up with them */
  dir: string;
  passphrase?: string;
  now?: () => Date;
}

const keyAad = (kekId: string, version: number, hashHex: string) => `${kekId}:v${version}:${hashHex}`;

/**
 * The embedded default's evidence encryption: one random data key per evidence row, wrapped by a
 * versioned KEK kept in the keyring folder (`evidence-keks.json`, sealed under the keyring's own
 * passphrase or key file, so a backup of the keyring carries it).
 */
export class LocalEvidenceCipher implements EvidenceCipher {
  private readonly path: string;
  private file: KekFile;
  private readonly seal0: Buffer;
  private readonly keks = new Map<number, Buffer>();
  private readonly now: () => Date;
  /** the file's mtime and size when last read: a rotation or retirement by the CLI is picked up on the next seal */
  private seen = '';

  constructor(options: LocalEvidenceCipherOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.path = join(options.dir, EVIDENCE_KEKS_FILE);
    this.now = options.now ?? (() => new Date());
    this.file = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as KekFile)
      : { format: 'afdp-notary-evidence-keks/1', kekId: 'afdp-evidence-kek', scrypt: newScryptParams(), keys: [] };
    this.seal0 = loadKek({ passphrase: options.passphrase, keyFile: join(options.dir, 'keyring.key') }, this.file.scrypt);
    for (const k of this.file.keys) if (k.key) this.keks.set(k.version, unseal(this.seal0, k.key, this.aad(k.version)));
    if (this.file.keys.length === 0) this.addVersion();
    this.seen = this.stamp();
  }

  private get latest(): number {
    return this.file.keys.length;
  }

  async latestVersion(): Promise<number> {
    if (this.stamp() !== this.seen) this.reload();
    return this.latest;
  }

  async seal(hashHex: string, plaintext: Buffer): Promise<SealedBody> {
    if (this.stamp() !== this.seen) this.reload();
    const dataKey = randomBytes(32);
    const version = this.latest;
    return {
      kekId: this.file.kekId,
      kekVersion: version,
      wrappedKey: gcmSeal(this.kek(version), dataKey, keyAad(this.file.kekId, version, hashHex)).toString('base64'),
      body: gcmSeal(dataKey, plaintext, bodyAad(hashHex)).toString('base64'),
    };
  }

  async open(hashHex: string, sealed: SealedBody): Promise<Buffer> {
    const dataKey = this.unwrap(hashHex, sealed);
    const plain = gcmOpen(dataKey, Buffer.from(sealed.body, 'base64'), bodyAad(hashHex));
    if (!plain) throw new EvidenceIntegrityError(hashHex, 'body');
    return plain;
  }

  async rewrap(hashHex: string, sealed: SealedBody): Promise<Pick<SealedBody, 'kekId' | 'kekVersion' | 'wrappedKey'> | undefined> {
    const version = this.latest;
    if (sealed.kekId === this.file.kekId && sealed.kekVersion === version) return undefined;
    const dataKey = this.unwrap(hashHex, sealed);
    return {
      kekId: this.file.kekId,
      kekVersion: version,
      wrappedKey: gcmSeal(this.kek(version), dataKey, keyAad(this.file.kekId, version, hashHex)).toString('base64'),
    };
  }

  async rotate(): Promise<number> {
    if (this.stamp() !== this.seen) this.reload(); // never write back a version retired meanwhile
    return this.addVersion();
  }

  private addVersion(): number {
    const version = this.file.keys.length + 1;
    const kek = randomBytes(32);
    const next: KekFile = {
      ...this.file,
      keys: [...this.file.keys, { version, createdAt: this.now().toISOString(), key: seal(this.seal0, kek, this.aad(version)) }],
    };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.file = next;
    this.keks.set(version, kek);
    return version;
  }

  private unwrap(hashHex: string, sealed: SealedBody): Buffer {
    // rotated or retired by `afdp-notary rewrap` while this process runs
    if (!this.keks.has(sealed.kekVersion) || this.stamp() !== this.seen) this.reload();
    if (sealed.kekId !== this.file.kekId || !this.keks.has(sealed.kekVersion))
      throw new EvidenceIntegrityError(hashHex, `data key (unknown KEK ${sealed.kekId} v${sealed.kekVersion})`);
    const dataKey = gcmOpen(
      this.kek(sealed.kekVersion),
      Buffer.from(sealed.wrappedKey, 'base64'),
      keyAad(sealed.kekId, sealed.kekVersion, hashHex),
    );
    if (!dataKey) throw new EvidenceIntegrityError(hashHex, 'data key');
    return dataKey;
  }

  private reload(): void {
    this.seen = this.stamp();
    const file = JSON.parse(readFileSync(this.path, 'utf8')) as KekFile;
    for (const k of file.keys) {
      if (!k.key)
        this.keks.delete(k.version); // retired: forgotten here too
      else if (!this.keks.has(k.version)) this.keks.set(k.version, unseal(this.seal0, k.key, this.aad(k.version)));
    }
    this.file = file;
  }

  private stamp(): string {
    const s = statSync(this.path, { throwIfNoEntry: false });
    return s ? `${s.mtimeMs}:${s.size}` : '';
  }

  private kek(version: number): Buffer {
    return this.keks.get(version)!;
  }

  private aad(version: number): string {
    return `${this.file.kekId}:kek:v${version}`;
  }
}
