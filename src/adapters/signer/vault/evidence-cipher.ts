/**
 * Evidence bodies encrypted under data keys that Vault transit makes and wraps (issue 22,
 * `key_management: Vault_Transit`): the KEK is a transit key of its own (aes256-gcm96, never the
 * signing key) and never leaves Vault.
 *
 * Throughput: Vault is not asked once per row. A data key (`datakey/wrapped`, then `decrypt` once)
 * serves every body sealed within a window — at most `windowMs` and `windowUses` bodies — and
 * each row stores that key's `vault:vN:…` form; bodies are AES-256-GCM with a random 96-bit IV and
 * their evidence hash as associated data, so a body moved to another row does not open. Reads keep
 * the unwrapped keys in a bounded cache (count and age), so a window's rows cost one `decrypt`.
 * Vault down: sealing a new window or opening an uncached key fails as 'unavailable' (503).
 */
import { NotaryError } from '../../../core/errors.js';
import { EvidenceIntegrityError, type EvidenceCipher, type SealedBody } from '../../../ports/evidence-cipher.js';
import { bodyAad, gcmOpen, gcmSeal } from '../envelope.js';
import { toNotaryError, VaultHttpError } from './errors.js';
import { versionOf, type TransitClient } from './transit-client.js';

export interface DataKeyPolicy {
  /** a window's data key seals bodies for at most this long … */
  windowMs: number;
  /** … and at most this many (far below AES-GCM's 2^32 random-IV bound) */
  windowUses: number;
  /** unwrapped keys kept for reads */
  cacheSize: number;
  cacheMs: number;
}

export const DEFAULT_DATA_KEY_POLICY: DataKeyPolicy = { windowMs: 300_000, windowUses: 100_000, cacheSize: 1024, cacheMs: 900_000 };

interface Window {
  wrapped: string;
  version: number;
  key: Buffer;
  until: number;
  uses: number;
}

export class VaultEvidenceCipher implements EvidenceCipher {
  readonly kekId: string;
  #window: Window | undefined;
  #opening: Promise<Window> | undefined;
  // insertion-ordered: the first entry is the least recently used
  readonly #cache = new Map<string, { key: Buffer; until: number }>();
  readonly #unwrapping = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly transit: TransitClient,
    keyName: string,
    private readonly policy: DataKeyPolicy = DEFAULT_DATA_KEY_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.kekId = `vault-transit:${keyName}`;
  }

  async seal(hashHex: string, plaintext: Buffer): Promise<SealedBody> {
    let w = await this.current();
    // sealers that waited for the same new window may use it up: the rest open the next one
    while (w.uses >= this.policy.windowUses) w = await this.current();
    w.uses++;
    return {
      kekId: this.kekId,
      kekVersion: w.version,
      wrappedKey: w.wrapped,
      body: gcmSeal(w.key, plaintext, bodyAad(hashHex)).toString('base64'),
    };
  }

  async open(hashHex: string, sealed: SealedBody): Promise<Buffer> {
    if (sealed.kekId !== this.kekId) throw new EvidenceIntegrityError(hashHex, `data key (sealed by ${sealed.kekId}, not ${this.kekId})`);
    const key = await this.unwrap(hashHex, sealed.wrappedKey);
    const plain = gcmOpen(key, Buffer.from(sealed.body, 'base64'), bodyAad(hashHex));
    if (!plain) throw new EvidenceIntegrityError(hashHex, 'body');
    return plain;
  }

  /** Rows of one window share a wrapped key: callers may ask for the same one many times; Vault is asked once. */
  async rewrap(hashHex: string, sealed: SealedBody): Promise<Pick<SealedBody, 'kekId' | 'kekVersion' | 'wrappedKey'> | undefined> {
    if (sealed.kekId !== this.kekId) throw new EvidenceIntegrityError(hashHex, `data key (sealed by ${sealed.kekId}, not ${this.kekId})`);
    const latest = await this.latestVersion();
    if (versionOf(sealed.wrappedKey) >= latest) return undefined;
    const next = await this.#rewrapped(sealed.wrappedKey, hashHex);
    return { kekId: this.kekId, kekVersion: next.keyVersion, wrappedKey: next.ciphertext };
  }

  async rotate(): Promise<number> {
    await this.call('rotate', () => this.transit.rotate());
    this.#latest = undefined;
    this.#window = undefined; // the next body gets a data key wrapped by the new version
    return this.latestVersion();
  }

  async latestVersion(): Promise<number> {
    this.#latest ??= this.call('read key', () => this.transit.readKey())
      .then((data) => data?.latest_version ?? 0)
      .catch((err: unknown) => {
        this.#latest = undefined;
        throw err;
      });
    return this.#latest;
  }

  async close(): Promise<void> {
    this.#window = undefined;
    this.#cache.clear();
    await this.onClose?.();
  }

  /** what else to close with it (its Vault connection) */
  onClose?: () => Promise<void> | void;

  #latest: Promise<number> | undefined;
  readonly #rewraps = new Map<string, Promise<{ ciphertext: string; keyVersion: number }>>();

  #rewrapped(wrapped: string, hashHex: string) {
    let p = this.#rewraps.get(wrapped);
    if (!p) {
      p = this.call('rewrap', () => this.transit.rewrap(wrapped), hashHex);
      p.catch(() => this.#rewraps.delete(wrapped));
      this.#rewraps.set(wrapped, p);
    }
    return p;
  }

  /** The window's data key, or a new one (concurrent sealers share one Vault round trip). */
  private async current(): Promise<Window> {
    const w = this.#window;
    if (w && w.uses < this.policy.windowUses && this.now() < w.until) return w;
    this.#opening ??= this.newWindow().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  private async newWindow(): Promise<Window> {
    const { ciphertext, keyVersion } = await this.call('datakey', () => this.transit.wrappedDataKey());
    const key = await this.call('decrypt', () => this.transit.decrypt(ciphertext));
    if (key.length !== 32) throw new NotaryError('internal', `vault datakey: a ${key.length}-byte data key, not 32`);
    this.remember(ciphertext, key);
    const w: Window = { wrapped: ciphertext, version: keyVersion, key, until: this.now() + this.policy.windowMs, uses: 0 };
    this.#window = w;
    return w;
  }

  private async unwrap(hashHex: string, wrapped: string): Promise<Buffer> {
    const hit = this.#cache.get(wrapped);
    if (hit && this.now() < hit.until) {
      this.#cache.delete(wrapped);
      this.#cache.set(wrapped, hit); // most recently used last
      return hit.key;
    }
    let p = this.#unwrapping.get(wrapped);
    if (!p) {
      p = this.call('decrypt', () => this.transit.decrypt(wrapped), hashHex)
        .then((key) => {
          if (key.length !== 32) throw new EvidenceIntegrityError(hashHex, 'data key (not a 256-bit key)');
          this.remember(wrapped, key);
          return key;
        })
        .finally(() => this.#unwrapping.delete(wrapped));
      this.#unwrapping.set(wrapped, p);
    }
    return p;
  }

  private remember(wrapped: string, key: Buffer): void {
    this.#cache.delete(wrapped);
    this.#cache.set(wrapped, { key, until: this.now() + this.policy.cacheMs });
    while (this.#cache.size > this.policy.cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }

  /**
   * Vault's 400 on a ciphertext (not base64, not ours, tag mismatch) means the row's wrapped key is
   * wrong: an integrity failure of that row. Everything else goes through the signer's mapping
   * (sealed, unreachable, overloaded: 'unavailable').
   */
  private async call<T>(action: string, fn: () => Promise<T>, hashHex?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (hashHex && err instanceof VaultHttpError && err.status === 400)
        throw new EvidenceIntegrityError(hashHex, 'data key (Vault cannot unwrap it)');
      throw toNotaryError(action, err);
    }
  }
}
