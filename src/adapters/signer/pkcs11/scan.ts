import type { PublicKeyVersion } from '../../../ports/key-signer.js';
import * as C from './constants.js';
import { Pkcs11StartError, type Handle } from './binding.js';
import { createdAtOf, curveOf, publicKeyPem, versionLabel, versionOf, type Curve } from './keys.js';
import type { Pkcs11Token } from './token.js';

export interface TokenKey extends PublicKeyVersion {
  curve: Curve;
}

export interface KeySet {
  versions: Map<number, TokenKey>;
  /** the newest version's private key: the one that signs */
  signing?: { key: TokenKey; handle: Handle };
}

/**
 * Every version of the key in the token: public keys `<label>-v<N>` (all of them go to the trust
 * root) and the newest version's private key, which must be sensitive and never extractable.
 */
export function scanKeys(token: Pkcs11Token, session: Handle, label: string): KeySet {
  const versions = new Map<number, TokenKey>();
  for (const handle of token.find(session, [
    { type: C.CKA_CLASS, value: C.CKO_PUBLIC_KEY },
    { type: C.CKA_KEY_TYPE, value: C.CKK_EC },
  ])) {
    const [l, id, params, point] = token.api
      .C_GetAttributeValue(session, handle, [
        { type: C.CKA_LABEL },
        { type: C.CKA_ID },
        { type: C.CKA_EC_PARAMS },
        { type: C.CKA_EC_POINT },
      ])
      .map((a) => a.value);
    const version = versionOf(l!.toString('utf8'), label);
    if (version === undefined) continue;
    const name = versionLabel(label, version);
    if (versions.has(version)) throw unusable(`two public keys are labelled "${name}": remove one, versions must be unique`);
    const curve = curveOf(params!);
    if (!curve) throw unusable(`"${name}" is not on P-256 or P-384 (CKA_EC_PARAMS ${params!.toString('hex')})`);
    const createdAt = createdAtOf(id!);
    if (!createdAt)
      throw unusable(
        `"${name}" has no creation time in CKA_ID (ASCII RFC 3339 UTC, e.g. 2026-12-02T00:00:00Z): receipts are checked against each version's window`,
      );
    versions.set(version, {
      keyId: label,
      version,
      algorithm: curve.algorithm as PublicKeyVersion['algorithm'],
      publicKeyPem: publicKeyPem(point!, curve),
      createdAt,
      curve,
    });
  }
  const newest = Math.max(0, ...versions.keys());
  const key = versions.get(newest);
  return { versions, signing: key && { key, handle: signingHandle(token, session, key) } };
}

function signingHandle(token: Pkcs11Token, session: Handle, key: TokenKey): Handle {
  const name = versionLabel(key.keyId, key.version);
  const found = token.find(session, [
    { type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY },
    { type: C.CKA_LABEL, value: name },
  ]);
  if (found.length !== 1)
    throw unusable(`the token holds ${found.length} private keys labelled "${name}" (the newest version), expected exactly one`);
  const [sign, sensitive, extractable] = token.api
    .C_GetAttributeValue(session, found[0]!, [{ type: C.CKA_SIGN }, { type: C.CKA_SENSITIVE }, { type: C.CKA_EXTRACTABLE }])
    .map((a) => a.value[0] === 1);
  if (!sign) throw unusable(`the private key "${name}" may not sign (CKA_SIGN is false)`);
  // a key that could leave the token is not an HSM key: refuse it rather than sign with it
  if (!sensitive || extractable) throw unusable(`the private key "${name}" must be CKA_SENSITIVE and not CKA_EXTRACTABLE`);
  return found[0]!;
}

const unusable = (message: string) => new Pkcs11StartError('key_unusable', `PKCS#11 key: ${message}`);
