import { VaultAuth, type VaultAuthConfig } from './auth.js';
import { CircuitBreaker, type BreakerOptions } from './breaker.js';
import { toNotaryError } from './errors.js';
import { VaultHttpClient } from './http-client.js';
import { VaultTransitSigner } from './signer.js';
import { VaultEvidenceCipher, type DataKeyPolicy } from './evidence-cipher.js';
import { TransitClient } from './transit-client.js';
import type { SigningAlgorithm } from '../../../core/signing-algorithm.js';

export { VaultTransitSigner } from './signer.js';
export { VaultEvidenceCipher, DEFAULT_DATA_KEY_POLICY, type DataKeyPolicy } from './evidence-cipher.js';
export { VaultHttpError, VaultNetworkError } from './errors.js';
export { parseVaultSignature } from './mappers.js';

export interface VaultSignerOptions {
  addr: string;
  mount: string /* 'transit' */;
  key: string /* 'afdp-notary-key' */;
  namespace?: string;
  caCertPem?: string;
  auth: VaultAuthConfig;
  createKey?: boolean;
  /** the type of the key createKey makes: ecdsa-p256 (default) or ecdsa-p384 */
  keyType?: SigningAlgorithm;
  timeoutMs?: number;
  retries?: number;
  batchMaxSize?: number /* default 64 */;
  batchMaxDelayMs?: number /* default 2 */;
  breaker?: BreakerOptions;
}

const DEFAULTS = {
  timeoutMs: 5_000,
  retries: 2,
  batchMaxSize: 64,
  batchMaxDelayMs: 2,
  breaker: { failureThreshold: 5, resetMs: 10_000 },
} as const;

function connect(opts: VaultSignerOptions) {
  const http = new VaultHttpClient({
    addr: opts.addr,
    namespace: opts.namespace,
    caCertPem: opts.caCertPem,
    timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: opts.retries ?? DEFAULTS.retries,
  });
  const breaker = new CircuitBreaker(opts.breaker ?? DEFAULTS.breaker);
  const auth = new VaultAuth((req) => breaker.run(() => http.request(req)), opts.auth);
  return { http, breaker, auth };
}

/**
 * The evidence KEK in Vault: `key` names its own transit key (aes256-gcm96, created when createKey
 * allows), never the signing key. Its own connection and login, so a signer restart or a breaker
 * opened by signing does not decide for it.
 */
export async function createVaultEvidenceCipher(opts: VaultSignerOptions & { policy?: DataKeyPolicy }): Promise<VaultEvidenceCipher> {
  validate(opts);
  const { http, auth } = connect(opts);
  const closeConnection = () => {
    auth.close();
    http.close();
  };
  try {
    await auth.start();
    const transit = new TransitClient(auth, opts.mount, opts.key);
    let data = await transit.readKey();
    if (!data && opts.createKey) {
      await transit.createKey(EVIDENCE_KEY_TYPE);
      data = await transit.readKey();
    }
    if (!data)
      throw new Error(
        `Vault transit key "${opts.key}" for evidence encryption does not exist (enable NOTARY_VAULT_CREATE_KEY to create it)`,
      );
    if (data.type !== EVIDENCE_KEY_TYPE)
      throw new Error(`Vault transit key "${opts.key}" has type "${data.type}"; evidence encryption needs an "${EVIDENCE_KEY_TYPE}" key`);
    const cipher = new VaultEvidenceCipher(transit, opts.key, opts.policy);
    cipher.onClose = closeConnection;
    return cipher;
  } catch (err) {
    closeConnection();
    if (err instanceof Error && err.constructor === Error) throw err;
    throw toNotaryError('start', err);
  }
}

const EVIDENCE_KEY_TYPE = 'aes256-gcm96';

/** Builds the tiers, logs in and checks the key; nothing is left running if that fails. */
export async function createVaultSigner(opts: VaultSignerOptions): Promise<VaultTransitSigner> {
  validate(opts);
  const { http, breaker, auth } = connect(opts);
  const signer = new VaultTransitSigner({
    keyName: opts.key,
    http,
    breaker,
    auth,
    transit: new TransitClient(auth, opts.mount, opts.key),
    createType: opts.keyType,
    batch: {
      maxSize: opts.batchMaxSize ?? DEFAULTS.batchMaxSize,
      maxDelayMs: opts.batchMaxDelayMs ?? DEFAULTS.batchMaxDelayMs,
    },
  });
  try {
    await signer.start(opts.createKey ?? false);
    return signer;
  } catch (err) {
    await signer.close();
    // Wrong key type / missing key are configuration errors with their own clear message.
    if (err instanceof Error && err.constructor === Error) throw err;
    throw toNotaryError('start', err);
  }
}

function validate(opts: VaultSignerOptions): void {
  if (!URL.canParse(opts.addr)) throw new Error(`Vault addr is not a URL: ${opts.addr}`);
  if (!opts.mount || !opts.key) throw new Error('Vault mount and key must be non-empty');
  const size = opts.batchMaxSize ?? DEFAULTS.batchMaxSize;
  if (!Number.isInteger(size) || size < 1) throw new Error(`batchMaxSize must be a positive integer, got ${size}`);
}
