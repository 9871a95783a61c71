import { NotaryError } from '../../../core/errors.js';
import type { KeySigner, PublicKeyVersion, SignRequest, SignatureResult } from '../../../ports/key-signer.js';
import type { VaultAuth } from './auth.js';
import { MicroBatcher } from './batcher.js';
import type { CircuitBreaker } from './breaker.js';
import { VaultHttpError, toNotaryError } from './errors.js';
import type { VaultHttpClient } from './http-client.js';
import { assertSigningKey, parseVaultSignature, toBase64Digest, toPublicKeyVersions } from './mappers.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../../core/signing-algorithm.js';
import type { TransitClient } from './transit-client.js';

export interface VaultSignerParts {
  keyName: string;
  http: VaultHttpClient;
  breaker: CircuitBreaker;
  auth: VaultAuth;
  transit: TransitClient;
  batch: { maxSize: number; maxDelayMs: number };
  /** the key type to create when the key does not exist (and creation is allowed) */
  createType?: SigningAlgorithm;
}

/** Healthy per Vault's sys/health: active (200), standby (429), DR secondary (472), perf standby (473). */
const HEALTHY = [429, 472, 473] as const;
const MAX_BATCHES_IN_FLIGHT = 4;

/** KeySigner port over Vault transit: micro-batched prehashed signing, cached public keys. */
export class VaultTransitSigner implements KeySigner {
  readonly backend = 'vault';
  readonly keyId: string;
  #versions = new Map<number, PublicKeyVersion>();
  #refreshing: Promise<void> | undefined;
  readonly #batcher: MicroBatcher<string, string>;
  // a transit key's type never changes (a new curve means a new key), so every version has this one
  #algorithm: SigningAlgorithm = 'ecdsa-p256';

  constructor(private readonly parts: VaultSignerParts) {
    this.keyId = parts.keyName;
    this.#batcher = new MicroBatcher({ ...parts.batch, maxInFlight: MAX_BATCHES_IN_FLIGHT }, async (inputs) =>
      (await parts.transit.sign(inputs, SIGNING_ALGORITHMS[this.#algorithm].vaultHash)).map(
        (r) => r.signature ?? new Error(r.error ?? 'Vault returned no signature'),
      ),
    );
  }

  get algorithm(): SigningAlgorithm {
    return this.#algorithm;
  }

  /** Logs in, then finds (or creates) the key and refuses anything but ecdsa-p256 and ecdsa-p384. */
  async start(createKey: boolean): Promise<void> {
    await this.parts.auth.start();
    let data = await this.parts.transit.readKey();
    if (!data && createKey) {
      await this.parts.transit.createKey(this.parts.createType ?? 'ecdsa-p256');
      data = await this.parts.transit.readKey();
    }
    if (!data) throw new Error(`Vault transit key "${this.keyId}" does not exist (enable createKey to create it)`);
    this.#algorithm = assertSigningKey(data, this.keyId);
    this.#store(toPublicKeyVersions(this.keyId, data));
  }

  async sign(request: SignRequest): Promise<SignatureResult> {
    let input: string;
    try {
      if (request.algorithm !== this.#algorithm) throw new Error(`the request is for ${request.algorithm}, the key is ${this.#algorithm}`);
      input = toBase64Digest(request.digest, this.#algorithm);
    } catch (err) {
      throw new NotaryError('internal', `vault sign: ${(err as Error).message}`, { cause: err });
    }
    const value = await this.#batcher.submit(input).catch((err: unknown) => Promise.reject(toNotaryError('sign', err)));
    const parsed = parseVaultSignature(value);
    if (!parsed) throw new NotaryError('internal', 'vault sign: signature is not in vault:vN:<base64> form');
    const key = await this.publicKey(parsed.version);
    if (!key) throw new NotaryError('internal', `vault sign: key "${this.keyId}" has no version ${parsed.version}`);
    return {
      signature: parsed.der,
      keyId: this.keyId,
      keyVersion: parsed.version,
      publicKeyPem: key.publicKeyPem,
      algorithm: this.#algorithm,
    };
  }

  async publicKeys(): Promise<PublicKeyVersion[]> {
    return [...this.#versions.values()].sort((a, b) => a.version - b.version);
  }

  async publicKey(version: number): Promise<PublicKeyVersion | undefined> {
    // Only versions newer than the newest we know can have appeared since the last read;
    // asking Vault for anything else would let callers turn lookups into Vault traffic.
    if (!this.#versions.has(version) && version > this.#latest()) await this.#refresh();
    return this.#versions.get(version);
  }

  async rotate(): Promise<PublicKeyVersion> {
    try {
      await this.parts.transit.rotate();
    } catch (err) {
      throw toNotaryError('rotate', err);
    }
    await this.#refresh();
    const latest = this.#versions.get(this.#latest());
    if (!latest) throw new NotaryError('internal', `vault rotate: key "${this.keyId}" lists no versions`);
    return latest;
  }

  async ping(): Promise<void> {
    const { breaker, http } = this.parts;
    try {
      await breaker.run(() => http.request({ method: 'GET', path: 'sys/health', retries: 0, accept: HEALTHY, rootNamespace: true }));
    } catch (err) {
      throw new NotaryError('unavailable', `vault health: ${healthReason(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.#batcher.close(new NotaryError('unavailable', 'vault signer is closed'));
    this.parts.auth.close();
    this.parts.http.close();
  }

  /** Concurrent refreshes (a burst of signatures naming a new version) share one read. */
  #refresh(): Promise<void> {
    this.#refreshing ??= this.parts.transit
      .readKey()
      .then((data) => {
        if (!data) throw new Error(`Vault transit key "${this.keyId}" no longer exists`);
        this.#store(toPublicKeyVersions(this.keyId, data));
      })
      .catch((err: unknown) => Promise.reject(toNotaryError('read key', err)))
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  #store(versions: PublicKeyVersion[]): void {
    this.#versions = new Map(versions.map((v) => [v.version, v]));
  }

  #latest(): number {
    return Math.max(0, ...this.#versions.keys());
  }
}

function healthReason(err: unknown): string {
  if (err instanceof VaultHttpError && err.status === 503) return 'Vault is sealed (HTTP 503)';
  if (err instanceof VaultHttpError && err.status === 501) return 'Vault is not initialized (HTTP 501)';
  return err instanceof Error ? err.message : String(err);
}
