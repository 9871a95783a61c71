/**
 * A fresh SoftHSM2 token per test: Debian's softhsm2 (installed by .ci/run) in a temp
 * SOFTHSM2_CONF folder, driven through the optional pkcs11js binding like a real HSM.
 * With CI=true a missing SoftHSM2 or binding fails the tests instead of skipping them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from './databases.js';

export const SOFTHSM_MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const SOFTHSM_UTIL = '/usr/bin/softhsm2-util';

function bindingLoads(): boolean {
  try {
    createRequire(import.meta.url)('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

const missing = [
  !existsSync(SOFTHSM_MODULE) && `no SoftHSM2 module at ${SOFTHSM_MODULE}`,
  !existsSync(SOFTHSM_UTIL) && `no ${SOFTHSM_UTIL}`,
  !bindingLoads() && 'the optional pkcs11js binding is not built',
].filter(Boolean);
export const SKIP_HSM_TESTS = missing.length > 0 && process.env.CI !== 'true';
export const HSM_TESTS_NOTE = SKIP_HSM_TESTS ? ` (skipped: ${missing.join(', ')}; CI=true runs them)` : '';

export interface SoftToken {
  dir: string;
  label: string;
  pin: string;
  soPin: string;
  /** the service's PKCS#11 settings for this token */
  env: Record<string, string>;
  /** runs softhsm2-util / pkcs11-tool style commands against this token's folder */
  conf: string;
}

/**
 * Initializes a new token in its own folder and points this process's SOFTHSM2_CONF at it.
 * SoftHSM2 reads SOFTHSM2_CONF at C_Initialize: the signer of the previous test must be closed.
 */
export function freshToken(label = 'afdp-test'): SoftToken {
  if (missing.length > 0)
    throw new Error(`PKCS#11 tests need SoftHSM2 and pkcs11js: ${missing.join(', ')} (.ci/run installs softhsm2 before npm ci)`);
  const dir = tempDir();
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const pin = `pin-${Math.random().toString(36).slice(2, 10)}`;
  const soPin = 'so-pin-1234';
  execFileSync(SOFTHSM_UTIL, ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: 'pipe',
  });
  return {
    dir,
    label,
    pin,
    soPin,
    conf,
    env: {
      NOTARY_PKCS11_MODULE: SOFTHSM_MODULE,
      NOTARY_PKCS11_TOKEN_LABEL: label,
      NOTARY_PKCS11_PIN: pin,
      NOTARY_PKCS11_KEY_LABEL: 'notary-signing',
    },
  };
}
