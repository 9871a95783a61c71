// The TSA adapters: HttpTsa against the loopback TSA (openssl behind Sigstore's HTTP API), EmbeddedTsa on both databases.
import { createHash, sign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedTsa } from '../../src/adapters/tsa/embedded/embedded-tsa.js';
import { HttpTsa } from '../../src/adapters/tsa/rfc3161/http-tsa.js';
import { generateP256KeyPair } from '../../src/core/keys.js';
import { toTrustedAuthorities } from '../../src/core/timestamping.js';
import { parseTimestampResponse, verifyTimestamp } from '../../src/core/timestamp/index.js';
import { backends, openMigrated, skipBackend } from '../support/databases.js';
import { startTsaServer, type TsaServer } from '../support/tsa-server.js';
import { rejection } from '../support/loopback.js';

const key = generateP256KeyPair().privateKey;
let n = 0;
const signature = () => sign('sha256', Buffer.from(`evidence ${n++}`), key);

describe('HttpTsa (RFC 3161 over HTTP, Sigstore timestamp-authority API)', () => {
  let server: TsaServer;
  let tsa: HttpTsa;
  beforeAll(async () => {
    server = await startTsaServer();
    tsa = new HttpTsa({ url: server.url, certChainPem: server.chainPem, retries: 2, retryBaseDelayMs: 5, timeoutMs: 5000 });
  });
  afterEach(() => {
    server.tamper = 'none';
    server.failNext(0, 500);
  });
  afterAll(() => server.close());

  it('timestamps a signature: the answer is kept byte for byte and verifies against the pinned chain', async () => {
    const sig = signature();
    const t = await tsa.timestamp(sig);
    expect(t.tsaUrl).toBe(server.url);
    const authorities = toTrustedAuthorities(await tsa.authorities());
    expect(verifyTimestamp(t.response, sig, authorities).genTime.toISOString()).toBe(t.genTime);
    expect(parseTimestampResponse(t.response).nonce).toBeDefined();
    expect(server.requests.at(-1)).toEqual({ method: 'POST', path: '/api/v1/timestamp', contentType: 'application/timestamp-query' });
  });

  it.each([
    ['nonce', /\(nonce\)/],
    ['imprint', /\(imprint\)/],
    ['signature', /\(signature\)/],
    ['untrusted', /\(chain\)/],
    ['rejection', /\(status\)/],
  ] as const)('refuses an answer with a wrong %s', async (tamper, message) => {
    server.tamper = tamper;
    const err = await rejection(tsa.timestamp(signature()));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(message);
  });

  it('retries 5xx and reports a TSA that stays down as "unavailable"', async () => {
    server.failNext(1, 503);
    await tsa.timestamp(signature());
    server.failNext(10, 503);
    const err = await rejection(tsa.timestamp(signature()));
    expect(err.code).toBe('unavailable');
    expect(err.retryable).toBe(true);
  });

  it('without a pinned chain, fetches <url>/certchain once and logs what it trusted', async () => {
    const logged: object[] = [];
    const tofu = new HttpTsa({ url: server.url, logger: { info: (o) => logged.push(o) } });
    const before = server.requests.filter((r) => r.path.endsWith('/certchain')).length;
    await tofu.timestamp(signature());
    await tofu.timestamp(signature());
    expect(server.requests.filter((r) => r.path.endsWith('/certchain')).length - before).toBe(1);
    expect(logged).toEqual([expect.objectContaining({ url: server.url, fingerprint256: expect.stringMatching(/^[0-9A-F:]+$/) })]);
    expect((await tofu.authorities())[0]!.certChainPem).toHaveLength(2);
  });

  it("the loopback server answers like Sigstore's TSA: 415 for another media type, 400 for a bad query", async () => {
    const json = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(json.status).toBe(415);
    expect(await json.json()).toEqual({ code: 415, message: 'Error generating timestamp response' });
    const bad = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: 'not der' });
    expect(bad.status).toBe(400);
    const chain = await fetch(`${server.url}/certchain`);
    expect(chain.headers.get('content-type')).toBe('application/pem-certificate-chain');
  });
});

describe.each(backends)('EmbeddedTsa on %s', (backend) => {
  it.skipIf(skipBackend(backend))(
    'creates its root and TSA certificate once, shared by every instance on the database; rotation keeps the old one listed',
    async () => {
      const db = await openMigrated(backend);
      try {
        const kek = createHash('sha256').update('test kek').digest();
        let clock = new Date('2030-01-01T00:00:00Z');
        const options = { db, kek, name: 'tsa.test', policy: '1.3.6.1.4.1.32473.3161.1', now: () => clock };
        const [a, b] = await Promise.all([EmbeddedTsa.open(options), EmbeddedTsa.open(options)]);
        expect(await a.authorities()).toEqual(await b.authorities());
        expect(await a.authorities()).toHaveLength(1);
        const sig = signature();
        const first = await a.timestamp(sig);
        expect(
          verifyTimestamp(first.response, sig, toTrustedAuthorities(await a.authorities()), {
            requireCertificate: true,
          }).genTime.toISOString(),
        ).toBe('2030-01-01T00:00:00.000Z');

        clock = new Date('2031-01-01T00:00:00Z');
        await a.rotate();
        const listed = await a.authorities();
        expect(listed).toHaveLength(2);
        expect(listed[0]!.validFor.end).toBe('2031-01-01T01:00:00.000Z'); // its successor's start plus the overlap for other replicas
        expect(listed[1]!.certChainPem[1]).toBe(listed[0]!.certChainPem[1]); // same root
        const later = await a.timestamp(sig);
        const trusted = toTrustedAuthorities(listed);
        expect(verifyTimestamp(later.response, sig, trusted).signer.fingerprint256).not.toBe(
          verifyTimestamp(first.response, sig, trusted).signer.fingerprint256,
        );
        // a year before the TSA certificate expires, a new one is made without being asked
        clock = new Date('2035-06-01T00:00:00Z');
        await a.timestamp(sig);
        expect(await a.authorities()).toHaveLength(3);
      } finally {
        await db.close();
      }
    },
  );
});
