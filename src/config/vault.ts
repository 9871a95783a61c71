import type { SigningAlgorithm } from '../core/signing-algorithm.js';
import { ConfigError, type Reader } from './reader.js';

export type VaultAuthConfig =
  | { method: 'token'; token: string }
  | { method: 'approle'; roleId: string; secretId: string; mount?: string }
  | { method: 'kubernetes'; role: string; jwtPath: string; mount?: string };

export interface VaultConfig {
  addr: string;
  mount: string;
  key: string;
  namespace?: string;
  caCertPem?: string;
  auth: VaultAuthConfig;
  createKey: boolean;
  /** the type NOTARY_VAULT_CREATE_KEY creates: NOTARY_SIGNING_ALGORITHM */
  keyType: SigningAlgorithm;
  /** its own transit key (aes256-gcm96) whose data keys encrypt evidence bodies; undefined: the local KEK does */
  evidenceKey?: string;
  /** one data key seals bodies for at most this long and this many bodies */
  dataKeyWindow: { ms: number; uses: number };
}

export function vaultConfig(r: Reader): VaultConfig | undefined {
  const addr = r.url('VAULT_ADDR', ['http:', 'https:']);
  if (!addr) return undefined;
  const method = r.oneOf('VAULT_AUTH_METHOD', ['token', 'approle', 'kubernetes'], 'token');
  const auth: VaultAuthConfig =
    method === 'token'
      ? { method, token: r.required('VAULT_TOKEN') }
      : method === 'approle'
        ? { method, roleId: r.required('VAULT_ROLE_ID'), secretId: r.required('VAULT_SECRET_ID'), mount: r.optional('VAULT_AUTH_MOUNT') }
        : {
            method,
            role: r.required('VAULT_K8S_ROLE'),
            jwtPath: r.str('VAULT_K8S_JWT_PATH', '/var/run/secrets/kubernetes.io/serviceaccount/token'),
            mount: r.optional('VAULT_AUTH_MOUNT'),
          };
  const caFile = r.optional('VAULT_CACERT');
  return {
    addr,
    mount: r.str('VAULT_TRANSIT_MOUNT', 'transit'),
    key: r.str('VAULT_TRANSIT_KEY', 'afdp-notary-key'),
    namespace: r.optional('VAULT_NAMESPACE'),
    caCertPem: caFile ? r.file('VAULT_CACERT', caFile) : undefined,
    auth,
    createKey: r.bool('NOTARY_VAULT_CREATE_KEY', false),
    keyType: r.oneOf('NOTARY_SIGNING_ALGORITHM', ['ecdsa-p256', 'ecdsa-p384'], 'ecdsa-p256'),
    evidenceKey: evidenceKey(r, r.str('VAULT_TRANSIT_KEY', 'afdp-notary-key')),
    dataKeyWindow: {
      ms: r.int('NOTARY_VAULT_DATA_KEY_SECONDS', 300, 1, 86_400) * 1000,
      uses: r.int('NOTARY_VAULT_DATA_KEY_USES', 100_000, 1, 1_000_000_000),
    },
  };
}

/** Never the signing key: a key that signs must not also wrap data keys (and Vault would refuse the type anyway). */
function evidenceKey(r: Reader, signingKey: string): string | undefined {
  const key = r.optional('NOTARY_VAULT_EVIDENCE_KEY');
  if (key === signingKey)
    throw new ConfigError('NOTARY_VAULT_EVIDENCE_KEY', 'must name its own transit key, not the signing key VAULT_TRANSIT_KEY');
  return key;
}
