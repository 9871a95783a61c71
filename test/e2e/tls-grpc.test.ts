import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, toProtoPackage } from '../../src/api/grpc/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeTestPki, type CertFiles, type TestPki } from '../support/certs.js';
import { openGrpcDoor } from '../support/grpc-app.js';
import { uniquePackage } from '../support/records.js';

const ADMIN = 'tls-grpc-admin-token-0123456789abcdef';

/** The app's own gRPC door over TLS 1.3 with optional client certificates, auth required: who signed is its submitted_by. */
describe('gRPC over TLS 1.3 with the same credentials as REST', () => {
  let pki: TestPki;
  let app: TestApp;
  let port: number;
  let apiKey: string;
  let apiKeyId: string;

  beforeAll(async () => {
    pki = makeTestPki();
    app = await startTestApp({
      NOTARY_TLS_CERT_FILE: pki.server.cert,
      NOTARY_TLS_KEY_FILE: pki.server.key,
      NOTARY_TLS_CA_FILE: pki.ca.cert,
      NOTARY_TLS_CLIENT_AUTH: 'optional',
      NOTARY_AUTH_MODE: 'required',
      NOTARY_ADMIN_TOKEN: ADMIN,
      NOTARY_MTLS_SUBJECT_ROLES: '{"ci-bot":["ai_engineer"],"auditor":["security_analyst"]}',
    });
    port = (await openGrpcDoor(app)).port;
    const created = await app.rest.inject({
      method: 'POST',
      url: '/api/v1/auth/api-keys',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { name: 'ci', roles: ['ai_engineer'] },
    });
    ({ api_key: apiKey, id: apiKeyId } = created.json());
  });
  afterAll(() => app?.close());

  /** SignEvidence over TLS: the principal it was stored under, or the status name it was refused with */
  const call = async (options: { client?: CertFiles; metadata?: Record<string, string> } = {}): Promise<string> => {
    const creds = grpc.credentials.createSsl(
      Buffer.from(pki.ca.certPem),
      options.client && Buffer.from(options.client.keyPem),
      options.client && Buffer.from(options.client.certPem),
    );
    const client = connectNotary(`localhost:${port}`, creds);
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(options.metadata ?? {})) md.set(k, v);
    try {
      const res = await client.unary(
        'SignEvidence',
        { evidence_package: toProtoPackage(uniquePackage('tls-grpc')) },
        { metadata: md, deadlineMs: 5000 },
      );
      return (await app.notary.getWorkflow(res.workflow_id)).submitted_by ?? 'anonymous';
    } catch (err) {
      return grpc.status[(err as grpc.ServiceError).code] ?? String(err);
    } finally {
      client.close();
    }
  };

  it('negotiates TLS 1.3 only', async () => {
    const protocol = (maxVersion?: 'TLSv1.2') =>
      new Promise<string>((resolve, reject) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port,
            servername: 'localhost',
            ca: pki.ca.certPem,
            ALPNProtocols: ['h2'],
            ...(maxVersion ? { maxVersion } : {}),
          },
          () => {
            resolve(s.getProtocol() ?? '');
            s.end();
          },
        );
        s.on('error', reject);
      });
    expect(await protocol()).toBe('TLSv1.3');
    await expect(protocol('TLSv1.2')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it('maps a CA-signed client certificate to its principal and applies RBAC', async () => {
    expect(await call({ client: pki.client('ci-bot') })).toBe('mtls:ci-bot');
    expect(await call({ client: pki.client('auditor') })).toBe('PERMISSION_DENIED');
  });

  it('refuses a certificate from another CA (optional client auth lets the handshake through)', async () => {
    expect(await call({ client: pki.rogueClient('ci-bot') })).toBe('UNAUTHENTICATED');
  });

  it('takes API keys from metadata, and refuses calls without any credential', async () => {
    expect(await call({ metadata: { 'x-api-key': apiKey } })).toBe(`api_key:${apiKeyId}`);
    expect(await call({ metadata: { authorization: `Bearer ${apiKey}` } })).toBe(`api_key:${apiKeyId}`);
    expect(await call()).toBe('UNAUTHENTICATED');
  });
});
