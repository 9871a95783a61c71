import { VaultHttpError } from './errors.js';
import type { VaultAuth } from './auth.js';

/** `GET {mount}/keys/{name}` data, as path_keys.go formats it. */
export interface TransitKeyData {
  name: string;
  type: string;
  latest_version?: number;
  /** Asymmetric keys: version → {public_key, creation_time, name}; symmetric: version → unix seconds. */
  keys: Record<string, TransitAsymKey | number>;
}

export interface TransitAsymKey {
  public_key: string;
  creation_time: string;
  name?: string;
}

/** One entry of `batch_results` (or the single-input answer): a signature or an error. */
export interface SignItemResult {
  signature?: string;
  error?: string;
}

/** Domain tier: the transit paths this service uses, with Vault's answers typed. */
export class TransitClient {
  readonly #base: string;
  readonly #key: string;

  constructor(
    private readonly auth: VaultAuth,
    mount: string,
    key: string,
  ) {
    this.#base = mount.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    this.#key = encodeURIComponent(key);
  }

  /** undefined when the key does not exist (Vault answers 404 with `errors: []`). */
  async readKey(): Promise<TransitKeyData | undefined> {
    try {
      const res = await this.auth.call<{ data: TransitKeyData }>({ method: 'GET', path: this.#path('keys') });
      return res.body?.data;
    } catch (err) {
      if (err instanceof VaultHttpError && err.status === 404) return undefined;
      throw err;
    }
  }

  async createKey(type: string): Promise<void> {
    await this.auth.call({ method: 'POST', path: this.#path('keys'), body: { type } });
  }

  async rotate(): Promise<void> {
    // A replayed rotate would skip a version, so only replay what Vault never processed.
    await this.auth.call({ method: 'POST', path: `${this.#path('keys')}/rotate`, body: {}, idempotent: false });
  }

  /** Signs base64 digests (SHA-256 for P-256, SHA-384 for P-384); a single input uses `input`, more use `batch_input`. */
  async sign(inputs: readonly string[], hashAlgorithm: 'sha2-256' | 'sha2-384' = 'sha2-256'): Promise<SignItemResult[]> {
    const params = { prehashed: true, hash_algorithm: hashAlgorithm, marshaling_algorithm: 'asn1' };
    if (inputs.length === 1) {
      try {
        const res = await this.auth.call<{ data?: SignItemResult }>({
          method: 'POST',
          path: this.#path('sign'),
          body: { ...params, input: inputs[0] },
        });
        return [{ signature: res.body?.data?.signature }];
      } catch (err) {
        // A 400 for one input is that item's failure, just like a batch_results error.
        if (err instanceof VaultHttpError && err.status === 400) return [{ error: err.errors.join('; ') }];
        throw err;
      }
    }
    const res = await this.auth.call<{ data?: { batch_results?: SignItemResult[] } }>({
      method: 'POST',
      path: this.#path('sign'),
      body: { ...params, batch_input: inputs.map((input) => ({ input })) },
    });
    const results = res.body?.data?.batch_results ?? [];
    if (results.length !== inputs.length) {
      throw new Error(`Vault returned ${results.length} batch_results for ${inputs.length} inputs`);
    }
    return results;
  }

  /**
   * `POST {mount}/datakey/wrapped/{name}`: a new 256-bit data key, answered only wrapped by the
   * named key (`vault:vN:…`); its plaintext is never in the answer (path_datakey.go, "wrapped").
   */
  async wrappedDataKey(): Promise<{ ciphertext: string; keyVersion: number }> {
    // not idempotent in effect (each call makes a new key), but a replay only makes one more: harmless
    const res = await this.auth.call<{ data?: { ciphertext?: string; key_version?: number } }>({
      method: 'POST',
      path: `${this.#base}/datakey/wrapped/${this.#key}`,
      body: { bits: 256 },
    });
    const ciphertext = res.body?.data?.ciphertext;
    if (typeof ciphertext !== 'string') throw new Error('Vault datakey answered without a ciphertext');
    return { ciphertext, keyVersion: res.body?.data?.key_version ?? versionOf(ciphertext) };
  }

  /** `POST {mount}/decrypt/{name}`: the base64 plaintext of a `vault:vN:…` ciphertext. */
  async decrypt(ciphertext: string): Promise<Buffer> {
    const res = await this.auth.call<{ data?: { plaintext?: string } }>({
      method: 'POST',
      path: this.#path('decrypt'),
      body: { ciphertext },
    });
    const plaintext = res.body?.data?.plaintext;
    if (typeof plaintext !== 'string') throw new Error('Vault decrypt answered without a plaintext');
    return Buffer.from(plaintext, 'base64');
  }

  /** `POST {mount}/rewrap/{name}`: the same plaintext under the key's latest version, never leaving Vault. */
  async rewrap(ciphertext: string): Promise<{ ciphertext: string; keyVersion: number }> {
    const res = await this.auth.call<{ data?: { ciphertext?: string; key_version?: number } }>({
      method: 'POST',
      path: this.#path('rewrap'),
      body: { ciphertext },
    });
    const next = res.body?.data?.ciphertext;
    if (typeof next !== 'string') throw new Error('Vault rewrap answered without a ciphertext');
    return { ciphertext: next, keyVersion: res.body?.data?.key_version ?? versionOf(next) };
  }

  #path(op: 'keys' | 'sign' | 'decrypt' | 'rewrap'): string {
    return `${this.#base}/${op}/${this.#key}`;
  }
}

/** `vault:v3:…` → 3 (older Vaults answer rewrap and datakey without key_version). */
export function versionOf(ciphertext: string): number {
  const m = /^vault:v(\d+):/.exec(ciphertext);
  return m ? Number(m[1]) : 0;
}
