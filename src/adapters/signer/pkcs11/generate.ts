import * as C from './constants.js';
import type { Handle } from './binding.js';
import { idFor, type Curve } from './keys.js';
import type { Pkcs11Token } from './token.js';

/**
 * Generates a key version's pair inside the token. The private half is sensitive and never
 * extractable: it signs in the token and cannot be read, wrapped or exported by anyone.
 */
export function generateKeyPair(token: Pkcs11Token, session: Handle, label: string, curve: Curve, createdAt: Date): void {
  const common = [
    { type: C.CKA_TOKEN, value: true },
    { type: C.CKA_KEY_TYPE, value: C.CKK_EC },
    { type: C.CKA_LABEL, value: label },
    { type: C.CKA_ID, value: idFor(createdAt) },
  ];
  token.api.C_GenerateKeyPair(
    session,
    { mechanism: C.CKM_EC_KEY_PAIR_GEN },
    [
      { type: C.CKA_CLASS, value: C.CKO_PUBLIC_KEY },
      ...common,
      { type: C.CKA_EC_PARAMS, value: Buffer.from(curve.params, 'hex') },
      { type: C.CKA_VERIFY, value: true },
    ],
    [
      { type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY },
      ...common,
      { type: C.CKA_PRIVATE, value: true },
      { type: C.CKA_SIGN, value: true },
      { type: C.CKA_SENSITIVE, value: true },
      { type: C.CKA_EXTRACTABLE, value: false },
    ],
  );
}
