import { ConfigError, type Reader } from './reader.js';

export interface RekorConfig {
  url: string;
  /** 1: Rekor v1 (`/api/v1/log/entries`, hashedrekord 0.0.1, SET); 2: Rekor v2 (rekor-tiles, hashedrekord 0.0.2) */
  apiVersion: 1 | 2;
  /** pinned log key (PEM); v1 fetches it once when absent, v2 requires it (v2 has no key endpoint) */
  publicKeyPem?: string;
  /** v2: the checkpoint origin and key name, by default REKOR_URL without its scheme */
  origin?: string;
  /** v2: where the log's tiles are read (c2sp.org/tlog-tiles), by default REKOR_URL */
  tilesUrl?: string;
}

/**
 * The embedded TSA's default policy OID: under the enterprise number IANA reserves for
 * documentation (RFC 5612), since this project has none of its own. Set NOTARY_TSA_POLICY_OID to
 * your organisation's. (A UUID OID, 2.25.<128 bits>, would not do: asn1js-based verifiers cannot
 * re-encode arcs beyond 2^53.)
 */
export const DEFAULT_TSA_POLICY_OID = '1.3.6.1.4.1.32473.3161.1';

export type TsaConfig = { mode: 'embedded'; policyOid: string } | { mode: 'remote'; url: string; certChainPem?: string } | { mode: 'off' };

export function rekorConfig(r: Reader): RekorConfig | undefined {
  const url = r.url('REKOR_URL', ['http:', 'https:']);
  const version = r.oneOf('REKOR_API_VERSION', ['1', '2'], '1');
  if (!url) {
    if (r.optional('REKOR_API_VERSION')) throw new ConfigError('REKOR_API_VERSION', 'needs REKOR_URL');
    return undefined;
  }
  const keyFile = r.optional('REKOR_PUBLIC_KEY_FILE');
  const publicKeyPem = keyFile ? r.file('REKOR_PUBLIC_KEY_FILE', keyFile) : undefined;
  if (version === '1') return { url, apiVersion: 1, publicKeyPem };
  // Rekor v2 serves no public key: an answer can only be trusted against a pinned one
  if (!publicKeyPem) throw new ConfigError('REKOR_PUBLIC_KEY_FILE', 'is required with REKOR_API_VERSION=2 (Rekor v2 serves no public key)');
  const origin = r.str('REKOR_ORIGIN', url.replace(/^https?:\/\//, ''));
  if (/\s|\+/.test(origin)) throw new ConfigError('REKOR_ORIGIN', 'must not contain spaces or "+"');
  return { url, apiVersion: 2, publicKeyPem, origin, tilesUrl: r.url('REKOR_TILES_URL', ['http:', 'https:']) ?? url };
}

export function tsaConfig(r: Reader, rekor: RekorConfig | undefined): TsaConfig {
  const url = r.url('NOTARY_TSA_URL', ['http:', 'https:']);
  if (r.oneOf('NOTARY_TIMESTAMPS', ['on', 'off'], 'on') === 'off') {
    if (url) throw new ConfigError('NOTARY_TIMESTAMPS', 'is off but NOTARY_TSA_URL is set');
    // a Rekor v2 entry proves no time: without a timestamp, a rotated key could never be judged
    if (rekor?.apiVersion === 2)
      throw new ConfigError('NOTARY_TIMESTAMPS', 'cannot be off with REKOR_API_VERSION=2 (Rekor v2 issues no signed time)');
    return { mode: 'off' };
  }
  if (!url) {
    const policyOid = r.str('NOTARY_TSA_POLICY_OID', DEFAULT_TSA_POLICY_OID);
    const arcs = policyOid.split('.');
    if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(policyOid) || !arcs.every((a) => Number.isSafeInteger(Number(a)))) {
      throw new ConfigError('NOTARY_TSA_POLICY_OID', 'must be a dotted OID whose arcs are below 2^53');
    }
    return { mode: 'embedded', policyOid };
  }
  const chainFile = r.optional('NOTARY_TSA_CERT_CHAIN_FILE');
  return { mode: 'remote', url, certChainPem: chainFile ? r.file('NOTARY_TSA_CERT_CHAIN_FILE', chainFile) : undefined };
}
