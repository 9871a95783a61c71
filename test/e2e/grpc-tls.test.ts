import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, startGrpcServer, toProtoPackage } from '../../src/api/grpc/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { fixture } from '../support/records.js';

/** A throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate, via openssl. */
function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, cn, ext] of [['server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], ['client', 'pipeline-7', 'extendedKeyUsage=clientAuth']]) {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const f = (n: string) => join(dir, n);
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

describe('gRPC door over TLS and mTLS', () => {
  let app: TestApp;
  let pki: ReturnType<typeof makePki>;
  const closers: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    pki = makePki(tempDir('grpc-pki-'));
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
    await app?.close();
  });

  const start = async (tls: Parameters<typeof startGrpcServer>[0]['tls']) => {
    const s = await startGrpcServer({ notary: app.notary, logger: app.rest.log as unknown as Logger, port: 0, host: '127.0.0.1', tls });
    closers.push(() => s.close(200));
    return s.port;
  };
  const sign = (port: number, creds: grpc.ChannelCredentials) => {
    const c = connectNotary(`127.0.0.1:${port}`, creds);
    closers.push(() => c.close());
    return c.unary('SignEvidence', { evidence_package: toProtoPackage(fixture()) }, { deadlineMs: 3000 });
  };
  const ca = () => readFileSync(pki.ca);

  it('serves TLS to clients trusting the CA, and not to plaintext clients', async () => {
    const port = await start({ certFile: pki.serverCert, keyFile: pki.serverKey });
    expect((await sign(port, grpc.credentials.createSsl(ca()))).status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect((await sign(port, grpc.credentials.createInsecure()).catch((e) => e)).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('with requireClientCert, accepts only clients holding a certificate from the CA', async () => {
    const port = await start({ certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.ca, requireClientCert: true });
    const mtls = grpc.credentials.createSsl(ca(), readFileSync(pki.clientKey), readFileSync(pki.clientCert));
    expect((await sign(port, mtls)).status).toBe('WORKFLOW_STATUS_COMPLETED');
    expect((await sign(port, grpc.credentials.createSsl(ca())).catch((e) => e)).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses to start mTLS without the client CA', async () => {
    await expect(start({ certFile: pki.serverCert, keyFile: pki.serverKey, requireClientCert: true })).rejects.toThrow(/caFile/);
  });
});
