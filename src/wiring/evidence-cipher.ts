/**
 * The evidence KEK (issue 22): Vault transit data keys when NOTARY_VAULT_EVIDENCE_KEY names a
 * transit key, else the local KEK kept with the keyring. The service and `afdp-notary rewrap` both
 * build it here, so they always agree on which one a row was sealed with.
 */
import { join } from 'node:path';
import { LocalEvidenceCipher } from '../adapters/signer/local/evidence-cipher.js';
import { createVaultEvidenceCipher, DEFAULT_DATA_KEY_POLICY } from '../adapters/signer/vault/index.js';
import type { Config } from '../config.js';
import type { EvidenceCipher } from '../ports/evidence-cipher.js';

export async function buildEvidenceCipher(config: Config): Promise<EvidenceCipher> {
  const vault = config.vault;
  if (vault?.evidenceKey) {
    const policy = { ...DEFAULT_DATA_KEY_POLICY, windowMs: vault.dataKeyWindow.ms, windowUses: vault.dataKeyWindow.uses };
    return createVaultEvidenceCipher({ ...vault, key: vault.evidenceKey, policy });
  }
  return new LocalEvidenceCipher({ dir: join(config.dataDir, 'keyring'), passphrase: config.keyringPassphrase });
}
