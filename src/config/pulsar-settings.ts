/** pulsar-client's subscription types (the consumer passes it through) */
export type PulsarSubscriptionType = 'Exclusive' | 'Shared' | 'KeyShared' | 'Failover';

export type PulsarAuth =
  | { method: 'token'; token: string }
  /** OAuth2 client credentials: client id + secret, or a key file (`privateKey`: path or data: URL) holding them */
  | {
      method: 'oauth2';
      issuerUrl: string;
      clientId?: string;
      clientSecret?: string;
      privateKey?: string;
      audience?: string;
      scope?: string;
    };

export interface PulsarTls {
  trustCertsFile?: string;
  /** client certificate for mutual TLS */
  certFile?: string;
  keyFile?: string;
  validateHostname?: boolean;
  allowInsecureConnection?: boolean;
}

/** Compiled Pulsar settings: full topic names, every default applied. */
export interface PulsarConfig {
  serviceUrl: string;
  topics: { events: string; results: string; status: string; errors: string; dlq: string };
  subscription: string;
  subscriptionType: PulsarSubscriptionType;
  consumerName?: string;
  receiverQueueSize: number;
  /** messages handled at once; receiving pauses while all slots are busy */
  maxInFlight: number;
  /** deliveries (first included) before a message that keeps failing transiently is dead-lettered */
  maxDeliveries: number;
  /** the client's nAckRedeliverTimeoutMs: the shortest redelivery delay; longer backoffs wait before nacking */
  nackRedeliverMs: number;
  /** redelivery backoff of a message that failed transiently */
  backoff: { baseMs: number; maxMs: number };
  /** how long one receive() waits, so stop() is noticed promptly */
  receivePollMs: number;
  auth?: PulsarAuth;
  tls?: PulsarTls;
}

/** What config/pulsar.ts reads from the environment; everything but the URL has AFDP's default. */
export type PulsarOptions = { serviceUrl: string; tenant?: string; namespace?: string } & Partial<
  Omit<PulsarConfig, 'serviceUrl' | 'topics'>
> & {
    topics?: Partial<PulsarConfig['topics']>;
  };

/** AFDP's defaults (the Rust notary's `pulsar/config.rs`), except maxDeliveries (issue #6: 5). */
export const PULSAR_DEFAULTS = {
  tenant: 'afdp',
  namespace: 'default',
  topics: {
    events: 'afdp.pipeline.events',
    results: 'afdp.notary.results',
    status: 'afdp.notary.status',
    errors: 'afdp.notary.errors',
    dlq: 'afdp.notary.dlq',
  },
  subscription: 'afdp-notary-subscription',
  subscriptionType: 'Shared' as PulsarSubscriptionType,
  receiverQueueSize: 1000,
  maxInFlight: 32,
  maxDeliveries: 5,
  nackRedeliverMs: 1000,
  backoff: { baseMs: 1000, maxMs: 60_000 },
  receivePollMs: 500,
};

/** A short name (`afdp.notary.results`) lives in the tenant/namespace; a full `persistent://…` name is kept. */
export function fullTopicName(name: string, tenant: string, namespace: string): string {
  return /^(non-)?persistent:\/\//.test(name) ? name : `persistent://${tenant}/${namespace}/${name}`;
}

export function resolvePulsarConfig(o: PulsarOptions): PulsarConfig {
  const d = PULSAR_DEFAULTS;
  const full = (name: string) => fullTopicName(name, o.tenant ?? d.tenant, o.namespace ?? d.namespace);
  const t = { ...d.topics, ...o.topics };
  return {
    serviceUrl: o.serviceUrl,
    topics: { events: full(t.events), results: full(t.results), status: full(t.status), errors: full(t.errors), dlq: full(t.dlq) },
    subscription: o.subscription ?? d.subscription,
    subscriptionType: o.subscriptionType ?? d.subscriptionType,
    consumerName: o.consumerName,
    receiverQueueSize: o.receiverQueueSize ?? d.receiverQueueSize,
    maxInFlight: o.maxInFlight ?? d.maxInFlight,
    maxDeliveries: o.maxDeliveries ?? d.maxDeliveries,
    nackRedeliverMs: o.nackRedeliverMs ?? d.nackRedeliverMs,
    backoff: o.backoff ?? d.backoff,
    receivePollMs: o.receivePollMs ?? d.receivePollMs,
    auth: o.auth,
    tls: o.tls,
  };
}
