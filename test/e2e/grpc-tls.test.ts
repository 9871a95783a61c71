import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, toProtoPackage } from '../../src/api/grpc/index.js';
import { configErrorOf } from '../support/config-errors.js';
import { openGrpcDoor } from '../support/grpc-app.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { fixture } from '../support/records.js';

/** A throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate, via openssl. */
function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, cn, ext] of [
    ['server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ['client', 'pipeline-7', 'extendedKeyUsage=clientAuth'],
  ]) {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const f = (n: string) => join(dir, n);
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}

describe("gRPC door over TLS and mTLS (the app's own door, TLS from NOTARY_TLS_*)", () => {
  let pki: ReturnType<typeof makePki>;
  const closers: (() => Promise<void> | void)[] = [];
  beforeAll(() => {
    pki = makePki(tempDir('grpc-pki-'));
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
  });

  const start = async (env: Record<string, string>) => {
    const app: TestApp = await startTestApp({ NOTARY_TLS_CERT_FILE: pki.serverCert, NOTARY_TLS_KEY_FILE: pki.serverKey, ...env });
    closers.push(() => app.close());
    return (await openGrpcDoor(app)).port;
  };
  const sign = (port: number, creds: grpc.ChannelCredentials) => {
    const c = connectNotary(`127.0.0.1:${port}`, creds);
    closers.push(() => c.close());
    return c.unary('SignEvidence', { evidence_package: toProtoPackage(fixture()) }, { deadlineMs: 3000 });
  };
  const ca = () => readFileSync(pki.ca);

  it('serves TLS to clients trusting the CA, and not to plaintext clients', async () => {
    const port = await start({});
    expect((await sign(port, grpc.credentials.createSsl(ca()))).status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect((await sign(port, grpc.credentials.createInsecure()).catch((e) => e)).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('with NOTARY_TLS_CLIENT_AUTH=required, accepts only clients holding a certificate from the CA', async () => {
    // the production door authenticates the certificate too: its CN needs a role to sign
    const port = await start({
      NOTARY_TLS_CA_FILE: pki.ca,
      NOTARY_TLS_CLIENT_AUTH: 'required',
      NOTARY_MTLS_SUBJECT_ROLES: '{"pipeline-7":["ai_engineer"]}',
    });
    const mtls = grpc.credentials.createSsl(ca(), readFileSync(pki.clientKey), readFileSync(pki.clientCert));
    expect((await sign(port, mtls)).status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect((await sign(port, grpc.credentials.createSsl(ca())).catch((e) => e)).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses to start mTLS without the client CA', () => {
    expect(
      configErrorOf({ NOTARY_TLS_CERT_FILE: pki.serverCert, NOTARY_TLS_KEY_FILE: pki.serverKey, NOTARY_TLS_CLIENT_AUTH: 'required' })
        ?.variable,
    ).toBe('NOTARY_TLS_CLIENT_AUTH');
  });
});
