/**
 * A TSA PKI made with openssl, shaped like Sigstore's (P-384 keys; TSA certificate with keyUsage
 * digitalSignature and the one critical extended key usage timeStamping), plus the `openssl ts`
 * configuration that signs with it (SHA-256, ESS signing-certificate-v2, 1 s accuracy).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './databases.js';

export interface TsaPki {
  dir: string;
  config: string;
  /** TSA certificate first, root last (the /certchain order) */
  chainPem: string;
  rootPem: string;
  tsaPem: string;
}

export function makeTsaPki(name = 'loopback'): TsaPki {
  const dir = tempDir('notary-tsa-');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (file: string) => openssl('ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', file);
  key('root.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'root.key',
    '-days',
    '3650',
    '-sha384',
    '-out',
    'root.crt',
    '-subj',
    `/O=test/CN=${name}-tsa-root`,
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  key('tsa.key');
  openssl('req', '-new', '-key', 'tsa.key', '-out', 'tsa.csr', '-subj', `/O=test/CN=${name}-tsa`);
  writeFileSync(
    join(dir, 'tsa.ext'),
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'root.crt',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-days',
    '1825',
    '-sha384',
    '-out',
    'tsa.crt',
    '-extfile',
    'tsa.ext',
  );
  writeFileSync(join(dir, 'serial'), '01\n');
  const config = join(dir, 'ts.cnf');
  writeFileSync(
    config,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.crt',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.57264.2',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  const rootPem = readFileSync(join(dir, 'root.crt'), 'utf8');
  const tsaPem = readFileSync(join(dir, 'tsa.crt'), 'utf8');
  return { dir, config, chainPem: tsaPem + rootPem, rootPem, tsaPem };
}
