import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './databases.js';

export interface CertFiles {
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  dir: string;
  ca: CertFiles;
  server: CertFiles;
  /** a client certificate with this CN, signed by the CA */
  client(cn: string): CertFiles;
  /** a client certificate from a CA the server does not trust */
  rogueClient(cn: string): CertFiles;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });
const files = (dir: string, name: string): CertFiles => ({
  cert: join(dir, `${name}.crt`),
  key: join(dir, `${name}.key`),
  certPem: readFileSync(join(dir, `${name}.crt`), 'utf8'),
  keyPem: readFileSync(join(dir, `${name}.key`), 'utf8'),
});

function selfSignedCa(dir: string, name: string): CertFiles {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return files(dir, name);
}

function issue(dir: string, ca: string, name: string, cn: string, ext: string): CertFiles {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
  return files(dir, name);
}

/** A CA, a server certificate for 127.0.0.1/localhost, and client certificates on demand: made with openssl at test time. */
export function makeTestPki(): TestPki {
  const dir = tempDir('notary-pki-');
  const ca = selfSignedCa(dir, 'ca');
  const server = issue(dir, 'ca', 'server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  let rogueCa = false;
  return {
    dir,
    ca,
    server,
    client: (cn) => issue(dir, 'ca', `client-${cn}`, cn, 'extendedKeyUsage=clientAuth\n'),
    rogueClient(cn) {
      if (!rogueCa) {
        selfSignedCa(dir, 'rogue-ca');
        rogueCa = true;
      }
      return issue(dir, 'rogue-ca', `rogue-${cn}`, cn, 'extendedKeyUsage=clientAuth\n');
    },
  };
}
