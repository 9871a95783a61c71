/**
 * The subset of `pulsar-client` (Apache Pulsar Node client, 1.x `index.d.ts`) this adapter uses,
 * written out here because the package is an optional dependency that is not installed everywhere:
 * its install step downloads the native C++ client library from outside the npm registry.
 * Names and signatures follow the package's own declarations; the real classes satisfy these.
 */
export interface PulsarMessageId {
  toString(): string;
}

export interface PulsarMessage {
  getTopicName(): string;
  getProperties(): Record<string, string>;
  getData(): Buffer;
  getMessageId(): PulsarMessageId;
  getRedeliveryCount(): number;
}

export type SubscriptionType = 'Exclusive' | 'Shared' | 'KeyShared' | 'Failover';

export interface ConsumerConfig {
  topic: string;
  subscription: string;
  subscriptionType?: SubscriptionType;
  subscriptionInitialPosition?: 'Latest' | 'Earliest';
  consumerName?: string;
  receiverQueueSize?: number;
  /** one delay for every nack of this consumer (the client has no per-message delay) */
  nAckRedeliverTimeoutMs?: number;
  deadLetterPolicy?: { deadLetterTopic: string; maxRedeliverCount?: number; initialSubscriptionName?: string };
}

export interface PulsarConsumer {
  /** rejects with "Failed to receive message: TimeOut" when nothing arrived within `timeout` ms */
  receive(timeout?: number): Promise<PulsarMessage>;
  acknowledge(message: PulsarMessage): Promise<unknown>;
  negativeAcknowledge(message: PulsarMessage): void;
  close(): Promise<unknown>;
}

export interface ProducerConfig {
  topic: string;
  producerName?: string;
  sendTimeoutMs?: number;
  blockIfQueueFull?: boolean;
  compressionType?: 'None' | 'Zlib' | 'LZ4' | 'ZSTD' | 'SNAPPY';
}

export interface PulsarProducer {
  /** resolves once the broker has persisted the message */
  send(message: { data: Buffer; properties?: Record<string, string> }): Promise<PulsarMessageId>;
  flush(): Promise<unknown>;
  close(): Promise<unknown>;
}

export interface PulsarClient {
  subscribe(config: ConsumerConfig): Promise<PulsarConsumer>;
  createProducer(config: ProducerConfig): Promise<PulsarProducer>;
  close(): Promise<unknown>;
}

/** `pulsar-client`'s ClientConfig fields we set. */
export interface ClientConfig {
  serviceUrl: string;
  authentication?: unknown;
  operationTimeoutSeconds?: number;
  tlsTrustCertsFilePath?: string;
  tlsCertificateFilePath?: string;
  tlsPrivateKeyFilePath?: string;
  tlsValidateHostname?: boolean;
  tlsAllowInsecureConnection?: boolean;
}

/** The module's exports we use. */
export interface PulsarModule {
  Client: new (config: ClientConfig) => PulsarClient;
  AuthenticationToken: new (params: { token: string | (() => string) | (() => Promise<string>) }) => unknown;
  AuthenticationOauth2: new (params: {
    type: string;
    issuer_url: string;
    client_id?: string;
    client_secret?: string;
    private_key?: string;
    audience?: string;
    scope?: string;
  }) => unknown;
}
