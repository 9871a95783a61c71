import { request } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeTestPki, type CertFiles, type TestPki } from '../support/certs.js';
import { uniquePackage } from '../support/records.js';

interface Res {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function call(port: number, ca: string, path: string, options: { client?: CertFiles; body?: unknown } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: 'localhost',
        ca,
        method: payload ? 'POST' : 'GET',
        agent: false,
        headers: payload ? { 'content-type': 'application/json' } : {},
        ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function handshake(port: number, ca: string, maxVersion?: 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...(maxVersion ? { maxVersion } : {}) }, () => {
      const protocol = socket.getProtocol() ?? '';
      socket.end();
      resolve(protocol);
    });
    socket.on('error', reject);
  });
}

describe('TLS 1.3 and client certificates over a real socket', () => {
  let pki: TestPki;
  let app: TestApp;
  let port: number;

  beforeAll(async () => {
    pki = makeTestPki();
    app = await startTestApp({
      NOTARY_TLS_CERT_FILE: pki.server.cert,
      NOTARY_TLS_KEY_FILE: pki.server.key,
      NOTARY_TLS_CA_FILE: pki.ca.cert,
      NOTARY_MTLS_SUBJECT_ROLES: JSON.stringify({ 'ci-bot': ['ai_engineer'] }),
    });
    const address = await app.rest.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(address).port);
  });
  afterAll(async () => app?.close());

  it('negotiates TLS 1.3 and refuses a client limited to TLS 1.2', async () => {
    expect(await handshake(port, pki.ca.certPem)).toBe('TLSv1.3');
    await expect(handshake(port, pki.ca.certPem, 'TLSv1.2')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it("maps a client certificate's CN to a principal with its roles", async () => {
    const client = pki.client('ci-bot');
    const signed = await call(port, pki.ca.certPem, '/api/v1/evidence/sign', { client, body: { evidence_package: uniquePackage('mtls') } });
    expect(signed.status).toBe(200);
    const status = await call(port, pki.ca.certPem, `/api/v1/workflows/${JSON.parse(signed.body).workflow_id}/status`, { client });
    expect(JSON.parse(status.body).submitted_by).toBe('mtls:ci-bot');
    expect((await call(port, pki.ca.certPem, '/api/v1/audit', { client })).status).toBe(403); // ai_engineer
  });

  it('turns auth on (mTLS mapping configured): no certificate, no access; probes stay open', async () => {
    const res = await call(port, pki.ca.certPem, '/api/v1/workflows');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await call(port, pki.ca.certPem, '/health')).status).toBe(200);
  });

  it('refuses a certificate from an untrusted CA, and gives a trusted but unmapped CN no permissions', async () => {
    const rogue = await call(port, pki.ca.certPem, '/api/v1/workflows', { client: pki.rogueClient('ci-bot') });
    expect(rogue.status).toBe(401);
    expect(JSON.parse(rogue.body).detail).toMatch(/trusted CA/);
    expect((await call(port, pki.ca.certPem, '/api/v1/workflows', { client: pki.client('stranger') })).status).toBe(403);
  });

  it('sends HSTS and the other secure headers', async () => {
    const res = await call(port, pki.ca.certPem, '/health');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('NOTARY_TLS_CLIENT_AUTH=required', () => {
  it('fails the handshake without a client certificate', async () => {
    const pki = makeTestPki();
    const app = await startTestApp({
      NOTARY_TLS_CERT_FILE: pki.server.cert,
      NOTARY_TLS_KEY_FILE: pki.server.key,
      NOTARY_TLS_CA_FILE: pki.ca.cert,
      NOTARY_TLS_CLIENT_AUTH: 'required',
      NOTARY_MTLS_SUBJECT_ROLES: JSON.stringify({ 'ci-bot': ['ai_engineer'] }),
    });
    try {
      const port = Number(new URL(await app.rest.listen({ host: '127.0.0.1', port: 0 })).port);
      await expect(call(port, pki.ca.certPem, '/health')).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
      expect((await call(port, pki.ca.certPem, '/health', { client: pki.client('ci-bot') })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
