import type { SigningAlgorithm } from '../core/signing-algorithm.js';
import { ConfigError, type Reader } from './reader.js';

/** HSM signing over PKCS#11: what createPkcs11Signer takes. */
export interface Pkcs11Config {
  /** path of the vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so */
  module: string;
  tokenLabel?: string;
  slot?: number;
  pin: string;
  /** key versions are `<keyLabel>-v1`, `-v2`, … */
  keyLabel: string;
  sessions: number;
  rescanMs: number;
  createKey: boolean;
  /** the curve of a first key made in an empty token (default P-256) */
  newKeyAlgorithm?: SigningAlgorithm;
}

/** HSM signing over PKCS#11, on when NOTARY_PKCS11_MODULE is set. The PIN comes from the env or a file and is never echoed. */
export function pkcs11Config(r: Reader, vaultSet: boolean): Pkcs11Config | undefined {
  const module = r.optional('NOTARY_PKCS11_MODULE');
  if (!module) return undefined;
  if (vaultSet) throw new ConfigError('NOTARY_PKCS11_MODULE', 'and VAULT_ADDR both choose the signer: set one of them');
  const tokenLabel = r.optional('NOTARY_PKCS11_TOKEN_LABEL');
  const slotSet = r.optional('NOTARY_PKCS11_SLOT') !== undefined;
  if (!tokenLabel === !slotSet) throw new ConfigError('NOTARY_PKCS11_TOKEN_LABEL', 'or NOTARY_PKCS11_SLOT (exactly one) names the token');
  return {
    module,
    tokenLabel,
    slot: slotSet ? r.int('NOTARY_PKCS11_SLOT', 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
    pin: pin(r),
    keyLabel: keyLabel(r),
    sessions: r.int('NOTARY_PKCS11_SESSIONS', 4, 1, 64),
    rescanMs: r.int('NOTARY_PKCS11_RESCAN_S', 60, 1, 86_400) * 1000,
    createKey: r.bool('NOTARY_PKCS11_CREATE_KEY', false),
    // the curve of a key made in an empty token; rotations keep the newest version's curve
    newKeyAlgorithm: r.oneOf('NOTARY_SIGNING_ALGORITHM', ['ecdsa-p256', 'ecdsa-p384'] as const, 'ecdsa-p256'),
  };
}

function pin(r: Reader): string {
  const value = r.optional('NOTARY_PKCS11_PIN');
  const file = r.optional('NOTARY_PKCS11_PIN_FILE');
  if ((value === undefined) === (file === undefined))
    throw new ConfigError('NOTARY_PKCS11_PIN', 'or NOTARY_PKCS11_PIN_FILE (exactly one) gives the user PIN');
  // a file's trailing newline is not part of the PIN; the PIN itself is never part of a message
  const pin = value ?? r.file('NOTARY_PKCS11_PIN_FILE', file!).replace(/\r?\n$/, '');
  if (pin.length === 0 || pin.length > 255)
    throw new ConfigError(value ? 'NOTARY_PKCS11_PIN' : 'NOTARY_PKCS11_PIN_FILE', 'must hold a PIN of 1 to 255 characters');
  return pin;
}

function keyLabel(r: Reader): string {
  const label = r.str('NOTARY_PKCS11_KEY_LABEL', 'afdp-notary-signing');
  // CKA_LABEL is UTF-8; versions are appended as -vN
  if (!/^[\x21-\x7e]{1,100}$/.test(label))
    throw new ConfigError('NOTARY_PKCS11_KEY_LABEL', 'must be 1 to 100 printable ASCII characters without spaces');
  return label;
}
