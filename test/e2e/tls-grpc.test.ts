import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/adapters/auth/index.js';
import { authorizeGrpcCall, grpcPeerCertificate, grpcServerCredentials } from '../../src/api/grpc/index.js';
import type { TlsConfig } from '../../src/config.js';
import { isAuthError } from '../../src/core/auth/index.js';
import { makeTestPki, type CertFiles, type TestPki } from '../support/certs.js';

const identity = (b: Buffer) => b;
// a one-method service under the notary's real method name, so the gRPC permission table applies
const METHOD = '/afdp.notary.v1.NotaryService/SignEvidence';
const service: grpc.ServiceDefinition = {
  sign: { path: METHOD, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};

/** What the gRPC door is expected to do per call: authorize from metadata + peer certificate, map AuthError to a status. */
function startServer(tls: TlsConfig, authn: Authenticator): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(service, {
    sign: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      authorizeGrpcCall(authn, 'required', METHOD, call.metadata.getMap(), grpcPeerCertificate(call, tls)).then(
        (principal) => callback(null, Buffer.from(principal?.id ?? 'anonymous')),
        (err: unknown) => callback({
          code: isAuthError(err) ? (err.code === 'unauthenticated' ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED) : grpc.status.INTERNAL,
          details: (err as Error).message,
        }),
      );
    },
  });
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpcServerCredentials(tls), (err, port) => (err ? reject(err) : resolve({ port, server }))));
}

describe('gRPC over TLS 1.3 with the same credentials as REST', () => {
  let pki: TestPki;
  let port: number;
  let server: grpc.Server;
  const apiKey = `afdp_${'g'.repeat(43)}`;

  beforeAll(async () => {
    pki = makeTestPki();
    const tls: TlsConfig = { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.ca.certPem, clientAuth: 'optional' };
    const authn = new Authenticator({
      apiKeys: { findByKey: async (k) => (k === apiKey ? { id: 'k1', name: 'ci', roles: ['ai_engineer'], hint: '', created_at: '', created_by: null, revoked_at: null, revoked_by: null } : undefined) },
      mtlsSubjectRoles: { 'ci-bot': ['ai_engineer'], auditor: ['security_analyst'] },
    });
    ({ port, server } = await startServer(tls, authn));
  });
  afterAll(() => server?.forceShutdown());

  const call = (options: { client?: CertFiles; metadata?: Record<string, string> } = {}) => new Promise<string>((resolve) => {
    const creds = grpc.credentials.createSsl(Buffer.from(pki.ca.certPem), options.client && Buffer.from(options.client.keyPem), options.client && Buffer.from(options.client.certPem));
    const client = new grpc.Client(`localhost:${port}`, creds);
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(options.metadata ?? {})) md.set(k, v);
    client.makeUnaryRequest(METHOD, identity, identity, Buffer.alloc(0), md, (err, res) => {
      client.close();
      resolve(err ? `${grpc.status[err.code]}` : res!.toString());
    });
  });

  it('negotiates TLS 1.3 only', async () => {
    const protocol = (maxVersion?: 'TLSv1.2') => new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca.certPem, ALPNProtocols: ['h2'], ...(maxVersion ? { maxVersion } : {}) }, () => {
        resolve(s.getProtocol() ?? '');
        s.end();
      });
      s.on('error', reject);
    });
    expect(await protocol()).toBe('TLSv1.3');
    await expect(protocol('TLSv1.2')).rejects.toThrow();
  });

  it('maps a CA-signed client certificate to its principal and applies RBAC', async () => {
    expect(await call({ client: pki.client('ci-bot') })).toBe('mtls:ci-bot');
    expect(await call({ client: pki.client('auditor') })).toBe('PERMISSION_DENIED');
  });

  it('refuses a certificate from another CA (optional client auth lets the handshake through)', async () => {
    expect(await call({ client: pki.rogueClient('ci-bot') })).toBe('UNAUTHENTICATED');
  });

  it('takes API keys from metadata, and refuses calls without any credential', async () => {
    expect(await call({ metadata: { 'x-api-key': apiKey } })).toBe('api_key:k1');
    expect(await call({ metadata: { authorization: `Bearer ${apiKey}` } })).toBe('api_key:k1');
    expect(await call()).toBe('UNAUTHENTICATED');
  });
});
