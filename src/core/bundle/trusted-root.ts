/**
 * The notary's trust root as Sigstore trust material (protobuf-specs sigstore_trustroot.proto, JSON):
 * a TrustedRoot with the transparency log and every timestamp authority certificate chain, and
 * the signing keys as the `{hint: PublicKey}` map Sigstore verifiers take for managed keys
 * (sigstore-js `toTrustMaterial(root, keys)`). Validity windows follow validate-receipt: a key
 * version from its creation to the next version's, give or take the clock skew.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { PublicKeyVersion } from '../../ports/key-signer.js';
import type { TimestampAuthorityInfo } from '../../ports/timestamp-authority.js';
import type { LogInfo } from '../../ports/transparency-log.js';
import { CLOCK_SKEW_SECONDS, keyWindow } from '../receipt-time.js';
import { noteKey } from '../transparency/index.js';
import { algorithmOfKey, SIGNING_ALGORITHMS } from '../signing-algorithm.js';
import { formatKeyHint } from './to-bundle.js';

export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot.v0.2+json';

interface ValidFor {
  start: string;
  end?: string;
}
export interface SigstorePublicKey {
  rawBytes: string;
  keyDetails: string;
  validFor: ValidFor;
}

export interface SigstoreTrustMaterial {
  trustedRoot: {
    mediaType: string;
    tlogs: object[];
    certificateAuthorities: object[];
    ctlogs: object[];
    timestampAuthorities: object[];
  };
  keys: Record<string, SigstorePublicKey>;
}

const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
const shift = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

export function toSigstoreTrustMaterial(
  keys: readonly PublicKeyVersion[],
  log: LogInfo,
  tsas: readonly TimestampAuthorityInfo[],
): SigstoreTrustMaterial {
  const epoch = [...keys].map((k) => k.createdAt).sort()[0] ?? new Date(0).toISOString();
  return {
    trustedRoot: {
      mediaType: TRUSTED_ROOT_MEDIA_TYPE,
      tlogs: [toTlog(log, shift(epoch, -CLOCK_SKEW_SECONDS))],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: tsas.map(toTimestampAuthority),
    },
    keys: Object.fromEntries(
      keys.map((k) => {
        const window = keyWindow(keys, k.version)!;
        const validFor: ValidFor = {
          start: shift(window.start.toISOString(), -CLOCK_SKEW_SECONDS),
          ...(window.end && { end: shift(window.end.toISOString(), CLOCK_SKEW_SECONDS) }),
        };
        // the key's own curve, not the label next to it: P-384 keys are PKIX_ECDSA_P384_SHA_384
        const keyDetails = SIGNING_ALGORITHMS[algorithmOfKey(k.publicKeyPem)].keyDetails;
        return [formatKeyHint(k.keyId, k.version), { rawBytes: der(k.publicKeyPem).toString('base64'), keyDetails, validFor }];
      }),
    ),
  };
}

function toTlog(log: LogInfo, start: string): object {
  const key = createPublicKey(log.publicKeyPem);
  const note = noteKey(key, log.keyName);
  // Sigstore verifiers pick a checkpoint's log by its signature name, which baseUrl must contain
  const baseUrl = log.url.includes(log.keyName) ? log.url : log.keyName;
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: der(log.publicKeyPem).toString('base64'),
      keyDetails: keyDetails(key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve),
      validFor: { start },
    },
    logId: { keyId: Buffer.from(log.logID, 'hex').toString('base64') },
    // the whole key ID, not its 4-byte hint: sigstore-js looks logs up by it for SETs too (the
    // same value as logId here; rekor-tiles' CLIENTS.md: "log_id and checkpoint_key_id … the same value")
    checkpointKeyId: { keyId: note.id.toString('base64') },
  };
}

function keyDetails(type: string | undefined, curve: string | undefined): string {
  if (type === 'ed25519') return 'PKIX_ED25519';
  const ec: Record<string, string> = {
    prime256v1: 'PKIX_ECDSA_P256_SHA_256',
    secp384r1: 'PKIX_ECDSA_P384_SHA_384',
    secp521r1: 'PKIX_ECDSA_P521_SHA_512',
  };
  const details = ec[curve ?? ''];
  if (!details) throw new Error(`no Sigstore key details for a ${type} ${curve ?? ''} log key`);
  return details;
}

function toTimestampAuthority(a: TimestampAuthorityInfo): object {
  const chain = a.certChainPem.map((p) => new X509Certificate(p));
  const subject = Object.fromEntries(chain[0]!.subject.split('\n').map((l) => l.split('=') as [string, string]));
  return {
    subject: { organization: subject.O ?? '', commonName: subject.CN ?? '' },
    uri: a.url,
    certChain: { certificates: chain.map((c) => ({ rawBytes: c.raw.toString('base64') })) },
    validFor: a.validFor,
  };
}
