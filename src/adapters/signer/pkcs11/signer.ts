import { NotaryError } from '../../../core/errors.js';
import type { KeySigner, PublicKeyVersion, SignRequest, SignatureResult, SigningAlgorithm } from '../../../ports/key-signer.js';
import { CKA_CLASS, CKM_ECDSA, CKO_PRIVATE_KEY, CKR } from './constants.js';
import { ckr, ckrName, Pkcs11StartError } from './binding.js';
import { generateKeyPair } from './generate.js';
import { digestFor } from '../../../core/signing-algorithm.js';
import { CURVES, rawToDer, versionLabel } from './keys.js';
import { scanKeys, type KeySet, type TokenKey } from './scan.js';
import { isLost, type Pkcs11Token } from './token.js';

/**
 * KeySigner port over a PKCS#11 token: the newest `<label>-vN` private key signs the digest inside
 * the token (CKM_ECDSA), every version's public key is in the trust root. Versions made by another
 * process (`afdp-notary hsm rotate`, pkcs11-tool) are picked up at the next rescan.
 */
export class Pkcs11Signer implements KeySigner {
  readonly backend = 'pkcs11';
  #keys: KeySet = { versions: new Map() };
  #rescanning: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  /**
   * `newKeys` is the curve of a first key made at start (NOTARY_SIGNING_ALGORITHM); a rotation keeps
   * the curve of the newest version.
   */
  constructor(
    private readonly token: Pkcs11Token,
    readonly keyId: string,
    rescanMs: number,
    private readonly now: () => Date = () => new Date(),
    private readonly newKeys: SigningAlgorithm = 'ecdsa-p256',
  ) {
    // a failed background rescan keeps the last good key set; sign and ping report the token's state
    this.#timer = setInterval(() => void this.#rescan().catch(() => undefined), rescanMs).unref();
  }

  /** Finds the key versions (creating v1 when asked and none exists); throws Pkcs11StartError otherwise. */
  async start(createKey: boolean): Promise<void> {
    await this.#rescan();
    if (this.#keys.versions.size === 0 && createKey) await this.#addVersion(1, curveFor(this.newKeys));
    if (this.#keys.versions.size === 0) {
      throw new Pkcs11StartError(
        'key_not_found',
        `the token holds no key labelled "${versionLabel(this.keyId, 1)}" (or any "${this.keyId}-vN"): create one with \`afdp-notary hsm rotate\` or set NOTARY_PKCS11_CREATE_KEY=true`,
      );
    }
  }

  get algorithm(): SigningAlgorithm {
    return this.#keys.signing?.key.algorithm ?? this.newKeys;
  }

  async sign(request: SignRequest): Promise<SignatureResult> {
    const signing = this.#keys.signing;
    if (!signing) throw new NotaryError('unavailable', 'pkcs11 sign: no signing key version is loaded');
    const { key, handle } = signing;
    // CKM_ECDSA signs the digest it is given: the one the core made, unless a rotation between the
    // core reading `algorithm` and this call changed the curve
    const digest = request.algorithm === key.algorithm ? Buffer.from(request.digest) : digestFor(key.algorithm, request.canonical);
    let raw: Buffer;
    try {
      raw = await this.token.use(async (session) => {
        this.token.api.C_SignInit(session, { mechanism: CKM_ECDSA }, handle);
        return this.token.api.C_SignAsync(session, digest, Buffer.alloc(2 * key.curve.size));
      });
    } catch (err) {
      // object handles do not outlive the login: after a lost session or a stale handle, find the keys again
      if (isLost(err) || ckr(err) === CKR.KEY_HANDLE_INVALID || ckr(err) === CKR.OBJECT_HANDLE_INVALID)
        await this.#rescan().catch(() => undefined);
      throw this.#failure('sign', err);
    }
    return {
      signature: rawToDer(raw, key.curve),
      keyId: this.keyId,
      keyVersion: key.version,
      publicKeyPem: key.publicKeyPem,
      algorithm: key.algorithm,
    };
  }

  async publicKeys(): Promise<PublicKeyVersion[]> {
    return [...this.#keys.versions.values()].sort((a, b) => a.version - b.version).map(publicPart);
  }

  async publicKey(version: number): Promise<PublicKeyVersion | undefined> {
    // only a version newer than the newest known can have appeared: anything else would let callers make token traffic
    if (!this.#keys.versions.has(version) && version > this.#newest()) await this.#rescan().catch(() => undefined);
    const key = this.#keys.versions.get(version);
    return key && publicPart(key);
  }

  /** A new version generated inside the token, on the curve of the newest one. */
  async rotate(): Promise<PublicKeyVersion> {
    await this.#rescan().catch((err: unknown) => Promise.reject(this.#failure('rotate', err)));
    const newest = this.#keys.signing?.key;
    const added = await this.#addVersion(this.#newest() + 1, newest?.curve ?? curveFor(this.newKeys));
    return publicPart(added);
  }

  async ping(): Promise<void> {
    try {
      await this.token.use((session) => this.token.find(session, [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }]));
    } catch (err) {
      throw this.#failure('health', err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.token.close();
  }

  async #addVersion(version: number, curve: TokenKey['curve']): Promise<TokenKey> {
    try {
      await this.token.use((session) => generateKeyPair(this.token, session, versionLabel(this.keyId, version), curve, this.now()));
    } catch (err) {
      throw this.#failure('generate key', err);
    }
    await this.#rescan();
    const added = this.#keys.versions.get(version);
    if (!added) throw new NotaryError('internal', `pkcs11: version ${version} of "${this.keyId}" is not in the token after generating it`);
    return added;
  }

  /** Concurrent rescans (a burst of lookups naming a new version, the timer) share one pass over the token. */
  #rescan(): Promise<void> {
    this.#rescanning ??= this.token
      .use((session) => scanKeys(this.token, session, this.keyId))
      .then((keys) => {
        this.#keys = keys;
      })
      .finally(() => (this.#rescanning = undefined));
    return this.#rescanning;
  }

  #newest(): number {
    return Math.max(0, ...this.#keys.versions.keys());
  }

  #failure(action: string, err: unknown): NotaryError {
    if (err instanceof NotaryError) return err;
    // Cryptoki and token failures: the HSM cannot answer now, the caller may retry (503 / UNAVAILABLE)
    return new NotaryError('unavailable', `pkcs11 ${action}: ${ckrName(err)}`, { cause: err });
  }
}

const curveFor = (algorithm: SigningAlgorithm): TokenKey['curve'] => CURVES.find((c) => c.algorithm === algorithm)!;

const publicPart = ({ keyId, version, algorithm, publicKeyPem, createdAt }: TokenKey): PublicKeyVersion => ({
  keyId,
  version,
  algorithm,
  publicKeyPem,
  createdAt,
});
