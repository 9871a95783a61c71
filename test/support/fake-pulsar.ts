import type {
  ConsumerConfig,
  ProducerConfig,
  PulsarClient,
  PulsarConsumer,
  PulsarMessage,
  PulsarMessageId,
  PulsarProducer,
} from '../../src/adapters/events/pulsar/types.js';

/**
 * An in-process Pulsar broker implementing the part of pulsar-client's Client / Consumer / Producer /
 * Message API the adapter uses, with the broker behaviour it relies on: a Shared subscription
 * dispatches round-robin to consumers with free receiver-queue room; a nacked message comes back
 * after nAckRedeliverTimeoutMs with its redelivery count + 1; a consumer that closes hands its
 * unacknowledged messages back (count + 1) and its prefetched ones (count unchanged); a
 * subscription starts at the latest message (pulsar-client's default position).
 * Errors use the client's wording ("Failed to receive message: TimeOut").
 */
export class FakePulsarBroker {
  private readonly topics = new Map<string, { entries: Entry[]; subs: Map<string, Subscription> }>();
  private readonly sendFailures = new Map<string, number>();
  private seq = 0;

  client(): FakeClient {
    return new FakeClient(this);
  }

  /** The next n sends to `topic` fail, as sends do when the broker cannot persist. */
  failSends(topic: string, n = 1): void {
    this.sendFailures.set(topic, (this.sendFailures.get(topic) ?? 0) + n);
  }

  /** Every message published to the topic, oldest first. */
  messages(topic: string): Entry[] {
    return [...this.topic(topic).entries];
  }

  /** Messages of the subscription not yet acknowledged (waiting, prefetched, or being handled). */
  unacknowledged(topic: string, subscription: string): number {
    const sub = this.topic(topic).subs.get(subscription);
    return sub ? sub.pending.length + sub.consumers.reduce((n, c) => n + c.queue.length, 0) + sub.outstanding.size : 0;
  }

  topic(name: string) {
    let t = this.topics.get(name);
    if (!t) this.topics.set(name, (t = { entries: [], subs: new Map() }));
    return t;
  }

  publish(topic: string, data: Buffer, properties: Record<string, string> = {}): FakeMessageId {
    const failures = this.sendFailures.get(topic) ?? 0;
    if (failures > 0) {
      this.sendFailures.set(topic, failures - 1);
      throw new Error('Failed to send message: TimeOut');
    }
    const entry: Entry = { id: new FakeMessageId(`${++this.seq}:0:-1`), topic, data: Buffer.from(data), properties: { ...properties } };
    const t = this.topic(topic);
    t.entries.push(entry);
    for (const sub of t.subs.values()) sub.enqueue({ entry, redeliveryCount: 0 });
    return entry.id;
  }
}

export interface Entry {
  id: FakeMessageId;
  topic: string;
  data: Buffer;
  properties: Record<string, string>;
}

interface Delivery {
  entry: Entry;
  redeliveryCount: number;
}

export class FakeMessageId implements PulsarMessageId {
  constructor(private readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export class FakeMessage implements PulsarMessage {
  constructor(
    readonly delivery: Delivery,
    readonly consumer: FakeConsumer,
  ) {}
  getTopicName = () => this.delivery.entry.topic;
  getProperties = () => ({ ...this.delivery.entry.properties });
  getData = () => Buffer.from(this.delivery.entry.data);
  getMessageId = () => this.delivery.entry.id;
  getRedeliveryCount = () => this.delivery.redeliveryCount;
}

class Subscription {
  readonly pending: Delivery[] = [];
  readonly consumers: FakeConsumer[] = [];
  /** received by a consumer, neither acked nor nacked: keyed by message id */
  readonly outstanding = new Map<string, FakeMessage>();
  private next = 0;

  enqueue(d: Delivery): void {
    this.pending.push(d);
    this.dispatch();
  }

  /** Shared: round-robin over consumers that have receiver-queue room. */
  dispatch(): void {
    while (this.pending.length > 0) {
      const open = this.consumers.filter((c) => c.hasRoom());
      if (open.length === 0) return;
      open[this.next++ % open.length]!.push(this.pending.shift()!);
    }
  }
}

export class FakeConsumer implements PulsarConsumer {
  readonly queue: Delivery[] = [];
  private readonly waiters: { resolve: (m: FakeMessage) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }[] = [];
  closed = false;

  constructor(
    private readonly sub: Subscription,
    readonly config: ConsumerConfig,
  ) {}

  hasRoom(): boolean {
    return !this.closed && this.queue.length < (this.config.receiverQueueSize ?? 1000);
  }

  push(d: Delivery): void {
    this.queue.push(d);
    this.handOver();
  }

  private handOver(): void {
    while (this.waiters.length > 0 && this.queue.length > 0) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      w.resolve(this.take());
    }
  }

  private take(): FakeMessage {
    const message = new FakeMessage(this.queue.shift()!, this);
    this.sub.outstanding.set(message.getMessageId().toString(), message);
    queueMicrotask(() => this.sub.dispatch()); // room freed in the receiver queue
    return message;
  }

  receive(timeout?: number): Promise<FakeMessage> {
    if (this.closed) return Promise.reject(new Error('Failed to receive message: AlreadyClosed'));
    if (this.queue.length > 0) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const w: (typeof this.waiters)[number] = { resolve, reject };
      if (timeout !== undefined && timeout > 0) {
        w.timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error('Failed to receive message: TimeOut'));
        }, timeout);
      }
      this.waiters.push(w);
    });
  }

  private settle(message: PulsarMessage): FakeMessage | undefined {
    const key = message.getMessageId().toString();
    const m = this.sub.outstanding.get(key);
    if (!m || m.consumer !== this) return undefined;
    this.sub.outstanding.delete(key);
    return m;
  }

  async acknowledge(message: PulsarMessage): Promise<null> {
    if (this.closed) throw new Error('Failed to acknowledge: AlreadyClosed');
    this.settle(message);
    return null;
  }

  negativeAcknowledge(message: PulsarMessage): void {
    const m = this.settle(message);
    if (!m) return;
    const again = { entry: m.delivery.entry, redeliveryCount: m.delivery.redeliveryCount + 1 };
    setTimeout(() => this.sub.enqueue(again), this.config.nAckRedeliverTimeoutMs ?? 60_000);
  }

  async close(): Promise<null> {
    if (this.closed) return null;
    this.closed = true;
    this.sub.consumers.splice(this.sub.consumers.indexOf(this), 1);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('Failed to receive message: AlreadyClosed'));
    }
    const unacked = [...this.sub.outstanding.values()].filter((m) => m.consumer === this);
    for (const m of unacked) this.sub.outstanding.delete(m.getMessageId().toString());
    this.sub.pending.unshift(
      ...this.queue.splice(0),
      ...unacked.map((m) => ({ entry: m.delivery.entry, redeliveryCount: m.delivery.redeliveryCount + 1 })),
    );
    this.sub.dispatch();
    return null;
  }
}

export class FakeProducer implements PulsarProducer {
  closed = false;
  constructor(
    private readonly broker: FakePulsarBroker,
    readonly config: ProducerConfig,
  ) {}

  async send(message: { data: Buffer; properties?: Record<string, string> }): Promise<FakeMessageId> {
    if (this.closed) throw new Error('Failed to send message: AlreadyClosed');
    await Promise.resolve(); // the broker answers asynchronously
    return this.broker.publish(this.config.topic, message.data, message.properties);
  }

  flush = async (): Promise<null> => null;

  async close(): Promise<null> {
    this.closed = true;
    return null;
  }
}

export class FakeClient implements PulsarClient {
  readonly consumers: FakeConsumer[] = [];
  readonly producers: FakeProducer[] = [];
  closed = false;

  constructor(private readonly broker: FakePulsarBroker) {}

  async subscribe(config: ConsumerConfig): Promise<FakeConsumer> {
    const subs = this.broker.topic(config.topic).subs;
    let sub = subs.get(config.subscription);
    if (!sub) subs.set(config.subscription, (sub = new Subscription()));
    const consumer = new FakeConsumer(sub, config);
    sub.consumers.push(consumer);
    this.consumers.push(consumer);
    sub.dispatch();
    return consumer;
  }

  async createProducer(config: ProducerConfig): Promise<FakeProducer> {
    const p = new FakeProducer(this.broker, config);
    this.producers.push(p);
    return p;
  }

  async close(): Promise<null> {
    this.closed = true;
    await Promise.all(this.consumers.map((c) => c.close()));
    await Promise.all(this.producers.map((p) => p.close()));
    return null;
  }
}
