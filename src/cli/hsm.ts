/**
 * `afdp-notary hsm rotate|keys`: the PKCS#11 signing key's versions. `rotate` generates the next
 * version's key pair inside the token (CKA_SENSITIVE, never extractable); a running service signs
 * with it from its next key rescan (NOTARY_PKCS11_RESCAN_S) or restart, and keeps every earlier
 * version's public key in the trust root.
 */
import { parseArgs } from 'node:util';
import { createPkcs11Signer, Pkcs11StartError } from '../adapters/signer/pkcs11/index.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Io } from './io.js';

export const HSM_HELP = `Usage: afdp-notary hsm rotate [--json]
       afdp-notary hsm keys [--json]

rotate  generates key version N+1 (label <NOTARY_PKCS11_KEY_LABEL>-v<N+1>) inside the token; a running
        service signs with it from its next key rescan (NOTARY_PKCS11_RESCAN_S, default 60 s) or restart
keys    lists every version in the token (what the trust root publishes)
Reads NOTARY_PKCS11_MODULE, NOTARY_PKCS11_TOKEN_LABEL or _SLOT, NOTARY_PKCS11_PIN or _PIN_FILE and
NOTARY_PKCS11_KEY_LABEL like the service.

Exit status: 0 done, 2 usage, configuration or token error.`;

export async function runHsm(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    io.err(`afdp-notary hsm: ${(err as Error).message}\n\n${HSM_HELP}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    io.out(HSM_HELP);
    return 0;
  }
  if (rest.length > 0 || (command !== 'rotate' && command !== 'keys')) {
    io.err(`afdp-notary hsm: unknown command: ${parsed.positionals.join(' ') || '(none)'}\n\n${HSM_HELP}`);
    return 2;
  }
  try {
    const config = loadConfig(env).pkcs11;
    if (!config) throw new ConfigError('NOTARY_PKCS11_MODULE', 'is required: `afdp-notary hsm` works on the PKCS#11 token');
    // rotate may create the first version of a new token's key
    let created = false;
    const signer = await createPkcs11Signer({ ...config, createKey: false }).catch(async (err: unknown) => {
      if (command !== 'rotate' || !(err instanceof Pkcs11StartError) || err.code !== 'key_not_found') throw err;
      created = true;
      return createPkcs11Signer({ ...config, createKey: true });
    });
    try {
      const keys = command === 'rotate' && !created ? [await signer.rotate()] : await signer.publicKeys();
      const shown = command === 'rotate' ? keys.slice(-1) : keys;
      if (parsed.values.json) io.out(JSON.stringify(shown, null, 2));
      else
        for (const k of shown)
          io.out(`${command === 'rotate' ? 'created ' : ''}${k.keyId}-v${k.version} ${k.algorithm} created ${k.createdAt}`);
      return 0;
    } finally {
      await signer.close();
    }
  } catch (err) {
    io.err(`afdp-notary hsm: ${(err as Error).message}`);
    return 2;
  }
}
