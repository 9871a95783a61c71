import type { PulsarConfig } from '../../../config/pulsar-settings.js';
import type { ClientConfig, PulsarClient, PulsarModule } from './types.js';

/** Builds a Pulsar client for the config; tests pass one over an in-process fake broker. */
export type PulsarClientFactory = (config: PulsarConfig) => Promise<PulsarClient>;

export class PulsarUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PulsarUnavailableError';
  }
}

// A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
const PACKAGE = 'pulsar-client';

/** Loads `pulsar-client` only when Pulsar is configured; its absence is a clear start-up error. */
export async function loadPulsarModule(importer: (name: string) => Promise<unknown> = (name) => import(name)): Promise<PulsarModule> {
  let mod: unknown;
  try {
    mod = await importer(PACKAGE);
  } catch (err) {
    throw new PulsarUnavailableError(
      `PULSAR_SERVICE_URL is set but the optional package "${PACKAGE}" cannot be loaded: install it with \`npm install ${PACKAGE}\` ` +
        '(it needs the Apache Pulsar C++ client library for this platform), or unset PULSAR_SERVICE_URL',
      { cause: err },
    );
  }
  // a CommonJS module: its exports object arrives as `default`
  const exports = ((mod as { default?: unknown }).default ?? mod) as Partial<PulsarModule>;
  if (typeof exports.Client !== 'function') throw new PulsarUnavailableError(`"${PACKAGE}" was loaded but exports no Client class`);
  return exports as PulsarModule;
}

/** ClientConfig from our config: service URL, token or OAuth2 client-credentials auth, TLS files. */
export function clientConfig(pulsar: PulsarModule, config: PulsarConfig): ClientConfig {
  const out: ClientConfig = { serviceUrl: config.serviceUrl };
  const auth = config.auth;
  if (auth?.method === 'token') out.authentication = new pulsar.AuthenticationToken({ token: auth.token });
  if (auth?.method === 'oauth2') {
    out.authentication = new pulsar.AuthenticationOauth2({
      type: 'client_credentials',
      issuer_url: auth.issuerUrl,
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      private_key: auth.privateKey,
      audience: auth.audience,
      scope: auth.scope,
    });
  }
  const tls = config.tls;
  if (tls) {
    if (tls.trustCertsFile) out.tlsTrustCertsFilePath = tls.trustCertsFile;
    if (tls.certFile) out.tlsCertificateFilePath = tls.certFile;
    if (tls.keyFile) out.tlsPrivateKeyFilePath = tls.keyFile;
    if (tls.validateHostname !== undefined) out.tlsValidateHostname = tls.validateHostname;
    if (tls.allowInsecureConnection !== undefined) out.tlsAllowInsecureConnection = tls.allowInsecureConnection;
  }
  return out;
}

export const defaultClientFactory: PulsarClientFactory = async (config) => {
  const pulsar = await loadPulsarModule();
  return new pulsar.Client(clientConfig(pulsar, config));
};
