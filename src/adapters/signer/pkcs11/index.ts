import { loadPkcs11Binding, Pkcs11StartError, type Pkcs11Binding } from './binding.js';
import { Pkcs11Signer } from './signer.js';
import { Pkcs11Token } from './token.js';
import type { Pkcs11Config } from '../../../config/pkcs11.js';

export { Pkcs11Signer } from './signer.js';
export { Pkcs11StartError, type Pkcs11StartCode } from './binding.js';

/** The token, PIN and key label come from config (NOTARY_PKCS11_*), which owns their type. */
export type Pkcs11SignerOptions = Pkcs11Config;

/** Loads the binding and the module, logs in and finds the key; nothing is left open if that fails. */
export async function createPkcs11Signer(opts: Pkcs11SignerOptions, binding?: Pkcs11Binding): Promise<Pkcs11Signer> {
  const token = await Pkcs11Token.open(binding ?? (await loadPkcs11Binding()), opts);
  const signer = new Pkcs11Signer(token, opts.keyLabel, opts.rescanMs, undefined, opts.newKeyAlgorithm);
  try {
    await signer.start(opts.createKey);
    return signer;
  } catch (err) {
    await signer.close();
    if (err instanceof Pkcs11StartError) throw err;
    throw new Pkcs11StartError('token_error', `PKCS#11 start-up failed: ${(err as Error).message}`, { cause: err });
  }
}
