import { resolvePulsarConfig, type PulsarConfig, type PulsarOptions } from './pulsar-settings.js';
import type { Reader } from './reader.js';

/** Pulsar settings from the environment; the consumer runs only when PULSAR_SERVICE_URL is set. */
export function pulsarConfig(r: Reader): PulsarConfig | undefined {
  const serviceUrl = r.url('PULSAR_SERVICE_URL', ['pulsar:', 'pulsar+ssl:']);
  if (!serviceUrl) return undefined;
  const options: PulsarOptions = {
    serviceUrl,
    tenant: r.optional('PULSAR_TENANT'),
    namespace: r.optional('PULSAR_NAMESPACE'),
    topics: {
      events: r.optional('PULSAR_EVENTS_TOPIC'),
      results: r.optional('PULSAR_RESULTS_TOPIC'),
      status: r.optional('PULSAR_STATUS_TOPIC'),
      errors: r.optional('PULSAR_ERRORS_TOPIC'),
      dlq: r.optional('PULSAR_DLQ_TOPIC'),
    },
    subscription: r.optional('PULSAR_SUBSCRIPTION'),
    consumerName: r.optional('PULSAR_CONSUMER_NAME'),
    maxInFlight: r.int('NOTARY_PULSAR_MAX_IN_FLIGHT', 32, 1, 10_000),
    maxDeliveries: r.int('NOTARY_PULSAR_MAX_DELIVERIES', 5, 1, 1000),
    receiverQueueSize: r.int('NOTARY_PULSAR_RECEIVER_QUEUE_SIZE', 1000, 1, 100_000),
    auth: pulsarAuth(r),
    tls: {
      trustCertsFile: r.optional('PULSAR_TLS_TRUST_CERTS_FILE'),
      certFile: r.optional('PULSAR_TLS_CERT_FILE'),
      keyFile: r.optional('PULSAR_TLS_KEY_FILE'),
      validateHostname: r.bool('PULSAR_TLS_VALIDATE_HOSTNAME', true),
      allowInsecureConnection: r.bool('PULSAR_TLS_ALLOW_INSECURE', false),
    },
  };
  // unset topic names keep AFDP's defaults
  for (const [k, v] of Object.entries(options.topics!)) if (v === undefined) delete options.topics![k as keyof PulsarConfig['topics']];
  return resolvePulsarConfig(options);
}

function pulsarAuth(r: Reader): PulsarOptions['auth'] {
  const token = r.optional('PULSAR_TOKEN');
  if (token) return { method: 'token', token };
  const issuerUrl = r.url('PULSAR_OAUTH2_ISSUER_URL', ['http:', 'https:']);
  if (!issuerUrl) return undefined;
  return {
    method: 'oauth2',
    issuerUrl,
    clientId: r.optional('PULSAR_OAUTH2_CLIENT_ID'),
    clientSecret: r.optional('PULSAR_OAUTH2_CLIENT_SECRET'),
    privateKey: r.optional('PULSAR_OAUTH2_PRIVATE_KEY'),
    audience: r.optional('PULSAR_OAUTH2_AUDIENCE'),
    scope: r.optional('PULSAR_OAUTH2_SCOPE'),
  };
}
