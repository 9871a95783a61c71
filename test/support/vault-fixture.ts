/**
 * The Vault set-up the Vault adapter tests share: a fresh loopback Vault (test/support/vault-server.ts,
 * Vault's documented wire format) for every test of a file, signer options pointing at it with the
 * notary's default key name, and the signers a test opens closed after it. `vaultEnv` is the same
 * wiring for the whole service (VAULT_ADDR and friends).
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { createVaultSigner, type VaultSignerOptions, type VaultTransitSigner } from '../../src/adapters/signer/vault/index.js';
import type { SignRequest } from '../../src/ports/key-signer.js';
import { startVaultServer, type VaultServer, type VaultServerOptions } from './vault-server.js';

/** NOTARY_VAULT_KEY's default: the transit key the notary signs with. */
export const VAULT_KEY = 'afdp-notary-key';

/** What the core hands a P-256 signer for a small document `i`: its bytes and their SHA-256. */
export function signRequest(i: number): SignRequest {
  const canonical = Buffer.from(JSON.stringify({ evidence: i }));
  return { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' };
}

/** The service's settings for the Vault signer on `vault`, authenticated with its root token; the key is created on first start. */
export const vaultEnv = (vault: VaultServer): Record<string, string> => ({
  VAULT_ADDR: vault.url,
  VAULT_TOKEN: vault.rootToken,
  NOTARY_VAULT_CREATE_KEY: 'true',
});

export interface LoopbackVault {
  /** this test's Vault */
  readonly vault: VaultServer;
  /** signer options for this test's Vault: transit mount, VAULT_KEY, the root token, the fixture's defaults; `over` wins */
  options(over?: Partial<VaultSignerOptions>): VaultSignerOptions;
  /** a signer on this test's Vault, closed after the test */
  signer(over?: Partial<VaultSignerOptions>): Promise<VaultTransitSigner>;
  /** how many requests reached `path` (default: signing with VAULT_KEY) */
  calls(path?: string): number;
  /** Vault goes away (connections refused) until `restart` */
  stop(): Promise<void>;
  /** a new Vault (new port, new tokens) with these server options, prepared as the first one was */
  restart(server?: VaultServerOptions): Promise<VaultServer>;
}

/**
 * Registers beforeEach/afterEach in the calling file: each test gets its own Vault, prepared by
 * `prepare` (keys, AppRoles …), and everything is closed after it.
 */
export function loopbackVaultPerTest(
  fixture: { server?: VaultServerOptions; prepare?: (vault: VaultServer) => void; defaults?: Partial<VaultSignerOptions> } = {},
): LoopbackVault {
  let current: VaultServer | undefined;
  let running = false;
  const opened: VaultTransitSigner[] = [];
  const start = async (server = fixture.server) => {
    current = await startVaultServer(server);
    running = true;
    fixture.prepare?.(current);
    return current;
  };
  const stop = async () => {
    if (running) await current?.close();
    running = false;
  };
  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await stop();
    current = undefined;
  });
  const self: LoopbackVault = {
    get vault() {
      if (!current) throw new Error('the loopback Vault runs only inside a test');
      return current;
    },
    options: (over = {}) => ({
      addr: self.vault.url,
      mount: 'transit',
      key: VAULT_KEY,
      auth: { method: 'token', token: self.vault.rootToken },
      ...fixture.defaults,
      ...over,
    }),
    async signer(over = {}) {
      const signer = await createVaultSigner(self.options(over));
      opened.push(signer);
      return signer;
    },
    calls: (path = `/v1/transit/sign/${VAULT_KEY}`) => self.vault.requests.filter((r) => r.path === path).length,
    stop,
    restart: async (server) => {
      await stop();
      return start(server);
    },
  };
  return self;
}
