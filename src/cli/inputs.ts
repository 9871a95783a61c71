/**
 * The CLI's three inputs, read from JSON the service produced: the evidence package, a receipt
 * (bare, or the whole sign response) and the trust root (GET /api/v1/trust-root). Shape errors are
 * InputErrors (exit 2): they mean "wrong file", not "forged receipt".
 */
import { createPublicKey } from 'node:crypto';
import type { ReceiptTrust } from '../core/validate-receipt.js';
import { toTrustedAuthorities } from '../core/timestamping.js';
import type { PublicKeyVersion } from '../ports/key-signer.js';
import { algorithmOfKey, type SigningAlgorithm } from '../core/signing-algorithm.js';
import type { TimestampAuthorityInfo } from '../ports/timestamp-authority.js';
import type { LogInfo } from '../ports/transparency-log.js';

import { InputError, isObject } from './documents.js';

export { InputError, readEvidence, readReceipt } from './documents.js';

/** The trust root as published, plus its timestamp authorities in both forms. */
export interface TrustRoot extends ReceiptTrust {
  keys: PublicKeyVersion[];
  log: LogInfo;
  timestampAuthorityInfos: TimestampAuthorityInfo[];
}

export function readTrustRoot(value: unknown, file: string): TrustRoot {
  if (!isObject(value) || !Array.isArray(value.signing_keys) || !isObject(value.transparency_log)) {
    throw new InputError(`${file}: not a trust root (expected signing_keys[] and transparency_log, as GET /api/v1/trust-root answers)`);
  }
  const keys = (value.signing_keys as unknown[]).map((k): PublicKeyVersion => {
    if (!isObject(k) || typeof k.version !== 'number' || typeof k.public_key_pem !== 'string') {
      throw new InputError(`${file}: every signing key needs version and public_key_pem`);
    }
    const algorithm = signingKeyAlgorithm(k.public_key_pem, k.algorithm, `${file}: signing key v${k.version}`);
    return {
      keyId: String(k.key_id ?? ''),
      version: k.version,
      algorithm,
      publicKeyPem: k.public_key_pem,
      createdAt: String(k.created_at ?? ''),
    };
  });
  const t = value.transparency_log;
  if (typeof t.public_key_pem !== 'string') throw new InputError(`${file}: transparency_log.public_key_pem is missing`);
  checkPem(t.public_key_pem, `${file}: transparency_log.public_key_pem`);
  const origin = String(t.origin ?? '');
  const log: LogInfo = {
    logID: String(t.log_id ?? ''),
    url: String(t.url ?? ''),
    publicKeyPem: t.public_key_pem,
    origin,
    // trust roots written before Rekor v2 support name neither: they describe v1-style logs
    apiVersion: t.api_version === 2 ? 2 : 1,
    keyName: typeof t.key_name === 'string' ? t.key_name : origin,
  };
  const timestampAuthorityInfos = readAuthorities(value.timestamp_authorities, file);
  let timestampAuthorities;
  try {
    timestampAuthorities = toTrustedAuthorities(timestampAuthorityInfos);
  } catch (err) {
    throw new InputError(`${file}: timestamp_authorities: ${(err as Error).message}`);
  }
  return { keys, log, timestampAuthorityInfos, timestampAuthorities };
}

function readAuthorities(value: unknown, file: string): TimestampAuthorityInfo[] {
  if (value === undefined) return []; // a trust root from before timestamps
  if (!Array.isArray(value)) throw new InputError(`${file}: timestamp_authorities must be a list`);
  return value.map((a, i) => {
    const validFor = isObject(a) && isObject(a.valid_for) ? a.valid_for : undefined;
    if (
      !isObject(a) ||
      !Array.isArray(a.cert_chain_pem) ||
      !a.cert_chain_pem.every((p) => typeof p === 'string') ||
      typeof validFor?.start !== 'string'
    ) {
      throw new InputError(`${file}: timestamp_authorities[${i}] needs cert_chain_pem[] and valid_for.start`);
    }
    return {
      url: String(a.url ?? ''),
      certChainPem: a.cert_chain_pem as string[],
      validFor: { start: validFor.start, ...(typeof validFor.end === 'string' && { end: validFor.end }) },
    };
  });
}

/** The key's own curve; a trust root that labels it otherwise is the wrong file (or a tampered one). */
function signingKeyAlgorithm(pem: string, label: unknown, what: string): SigningAlgorithm {
  checkPem(pem, what);
  let algorithm: SigningAlgorithm;
  try {
    algorithm = algorithmOfKey(pem);
  } catch {
    throw new InputError(`${what} is not an ECDSA P-256 or P-384 key`);
  }
  if (label !== undefined && label !== algorithm) throw new InputError(`${what} is labelled ${String(label)} but is an ${algorithm} key`);
  return algorithm;
}

function checkPem(pem: string, what: string): void {
  try {
    createPublicKey(pem);
  } catch {
    throw new InputError(`${what} is not a PEM public key`);
  }
}
