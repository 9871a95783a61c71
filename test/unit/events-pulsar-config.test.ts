import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  clientConfig,
  loadPulsarModule,
  PulsarUnavailableError,
  resolvePulsarConfig,
  type PulsarModule,
} from '../../src/adapters/events/index.js';

describe('Pulsar configuration', () => {
  it("applies AFDP's defaults and expands short topic names in the afdp/default namespace", () => {
    const c = resolvePulsarConfig({ serviceUrl: 'pulsar://broker:6650' });
    expect(c.topics).toEqual({
      events: 'persistent://afdp/default/afdp.pipeline.events',
      results: 'persistent://afdp/default/afdp.notary.results',
      status: 'persistent://afdp/default/afdp.notary.status',
      errors: 'persistent://afdp/default/afdp.notary.errors',
      dlq: 'persistent://afdp/default/afdp.notary.dlq',
    });
    expect(c).toMatchObject({
      subscription: 'afdp-notary-subscription',
      subscriptionType: 'Shared',
      maxDeliveries: 5,
      receiverQueueSize: 1000,
    });
    const custom = resolvePulsarConfig({
      serviceUrl: 'pulsar://b',
      tenant: 't',
      namespace: 'n',
      topics: { events: 'ev', dlq: 'persistent://x/y/dead' },
      maxInFlight: 4,
    });
    expect(custom.topics.events).toBe('persistent://t/n/ev');
    expect(custom.topics.dlq).toBe('persistent://x/y/dead');
    expect(custom.maxInFlight).toBe(4);
  });

  /** Records what the adapter would hand to pulsar-client's constructors. */
  const recordingModule = () => {
    const made: { kind: string; params: unknown }[] = [];
    const mod = {
      Client: class {
        constructor(readonly config: unknown) {}
      } as unknown as PulsarModule['Client'],
      AuthenticationToken: class {
        constructor(params: unknown) {
          made.push({ kind: 'token', params });
        }
      },
      AuthenticationOauth2: class {
        constructor(params: unknown) {
          made.push({ kind: 'oauth2', params });
        }
      },
    } satisfies PulsarModule;
    return { mod, made };
  };

  it("builds token auth, OAuth2 client credentials and TLS settings in pulsar-client's names", () => {
    const { mod, made } = recordingModule();
    const token = clientConfig(mod, resolvePulsarConfig({ serviceUrl: 'pulsar+ssl://b:6651', auth: { method: 'token', token: 'jwt' } }));
    expect(made[0]).toEqual({ kind: 'token', params: { token: 'jwt' } });
    expect(token.serviceUrl).toBe('pulsar+ssl://b:6651');
    const oauth = clientConfig(
      mod,
      resolvePulsarConfig({
        serviceUrl: 'pulsar+ssl://b:6651',
        auth: { method: 'oauth2', issuerUrl: 'https://idp', clientId: 'id', clientSecret: 's', audience: 'urn:pulsar' },
        tls: { trustCertsFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem', validateHostname: true, allowInsecureConnection: false },
      }),
    );
    expect(made[1]).toEqual({
      kind: 'oauth2',
      params: expect.objectContaining({
        type: 'client_credentials',
        issuer_url: 'https://idp',
        client_id: 'id',
        client_secret: 's',
        audience: 'urn:pulsar',
      }),
    });
    expect(oauth).toMatchObject({
      tlsTrustCertsFilePath: '/ca.pem',
      tlsCertificateFilePath: '/c.pem',
      tlsPrivateKeyFilePath: '/k.pem',
      tlsValidateHostname: true,
      tlsAllowInsecureConnection: false,
    });
  });

  it('names the package to install when pulsar-client is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pulsar-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const err = await loadPulsarModule(async () => {
      throw missing;
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PulsarUnavailableError);
    expect(err.message).toMatch(/npm install pulsar-client/);
    expect(err.cause).toBe(missing);
    // the CommonJS exports object arrives as the ESM default export
    const { mod } = recordingModule();
    expect(await loadPulsarModule(async () => ({ default: mod }))).toBe(mod);
  });
});

describe('nack backoff', () => {
  it('doubles per redelivery, caps at maxMs, and jitters within [d/2, d]', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, o, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(2, o, () => 0)).toBe(200);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, o);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
