import type { Logger } from '../../../ports/clock.js';
import { backoffDelay } from '../backoff.js';
import { handleEvent, type Action, type HandleDeps } from '../handle-event.js';
import type { OutTopic } from '../messages.js';
import type { PulsarConfig } from '../../../config/pulsar-settings.js';
import { Semaphore } from './semaphore.js';
import { inMessageSpan, traceProperties } from './tracing.js';
import type { PulsarClient, PulsarConsumer, PulsarMessage, PulsarProducer } from './types.js';

export type MessageOutcome = 'consumed' | 'acked' | 'nacked' | 'dlq';

export type Producers = Record<OutTopic | 'dlq', PulsarProducer>;

const isTimeout = (err: unknown) => /TimeOut/i.test(String((err as Error)?.message ?? err));

/**
 * Receives, hands each message to the pure handler, executes its actions: publish (and dead-letter)
 * BEFORE ack, so a crash in between re-publishes on redelivery (at-least-once publishing; signing
 * stays exactly-once through the idempotency key). At most maxInFlight messages at once.
 */
export class EventRunner {
  private readonly slots: Semaphore;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly delayedNacks = new Map<NodeJS.Timeout, PulsarMessage>();
  private stopping = false;
  /** set when stop()'s grace ran out: late outcomes are then not executed, the broker redelivers */
  private abandoned = false;
  private loop: Promise<void> = Promise.resolve();
  private stopped?: Promise<void>;

  constructor(
    private readonly client: PulsarClient,
    private readonly consumer: PulsarConsumer,
    private readonly producers: Producers,
    private readonly config: PulsarConfig,
    private readonly handleDeps: HandleDeps,
    private readonly logger: Logger,
    /** counts each message as consumed, then acked / nacked / dlq (metrics) */
    private readonly onOutcome: (outcome: MessageOutcome) => void = () => {},
  ) {
    this.slots = new Semaphore(config.maxInFlight);
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (await this.slots.acquire()) {
      let message: PulsarMessage;
      try {
        message = await this.consumer.receive(this.config.receivePollMs);
      } catch (err) {
        this.slots.release();
        if (this.stopping) break;
        if (!isTimeout(err)) {
          this.logger.warn({ err }, 'pulsar receive failed; retrying');
          await sleep(this.config.nackRedeliverMs);
        }
        continue;
      }
      if (this.stopping) {
        this.safeNack(message); // arrived as we stopped: hand it back for another consumer at once
        this.slots.release();
        break;
      }
      const task: Promise<void> = this.process(message).finally(() => {
        this.inFlight.delete(task);
        this.slots.release();
      });
      this.inFlight.add(task);
    }
  }

  private async process(message: PulsarMessage): Promise<void> {
    const incoming = {
      data: message.getData(),
      properties: message.getProperties(),
      redeliveryCount: message.getRedeliveryCount(),
      messageId: message.getMessageId().toString(),
    };
    this.onOutcome('consumed');
    try {
      const outcome = await inMessageSpan(message, this.config.topics.events, async () =>
        this.execute(message, await handleEvent(incoming, this.handleDeps)),
      );
      if (outcome === 'ack') this.onOutcome('acked');
      else if (outcome === 'nack' || outcome === 'dlq') this.onOutcome(outcome === 'nack' ? 'nacked' : 'dlq');
    } catch (err) {
      if (this.abandoned) return;
      this.onOutcome('nacked');
      // a publish (or the handler itself) failed: nothing was acked, so try the whole message again later
      this.logger.warn({ err, messageId: incoming.messageId }, 'pulsar message not settled; negatively acknowledged');
      this.nack(message, backoffDelay(incoming.redeliveryCount, this.config.backoff));
    }
  }

  private async execute(message: PulsarMessage, actions: Action[]): Promise<string> {
    let outcome = 'ack';
    for (const a of actions) {
      if (this.abandoned) return 'abandoned';
      if (a.kind === 'publish') {
        const { topic, payload, properties } = a.publication;
        await this.producers[topic].send({
          data: Buffer.from(JSON.stringify(payload)),
          properties: { ...properties, ...traceProperties() },
        });
      } else if (a.kind === 'dlq') {
        outcome = 'dlq';
        const origin = { afdp_original_topic: message.getTopicName(), afdp_original_message_id: message.getMessageId().toString() };
        await this.producers.dlq.send({ data: a.data, properties: { ...a.properties, ...origin } });
      } else if (a.kind === 'ack') {
        await this.consumer.acknowledge(message);
      } else {
        outcome = 'nack';
        this.nack(message, a.delayMs);
      }
    }
    return outcome;
  }

  /**
   * The client redelivers a nacked message after its one fixed delay (nAckRedeliverTimeoutMs), so a
   * longer backoff waits here first. The message stays unacknowledged meanwhile and holds no slot.
   */
  private nack(message: PulsarMessage, delayMs: number): void {
    const wait = Math.max(0, delayMs - this.config.nackRedeliverMs);
    if (wait === 0 || this.stopping) return this.safeNack(message);
    const timer = setTimeout(() => {
      this.delayedNacks.delete(timer);
      this.safeNack(message);
    }, wait);
    this.delayedNacks.set(timer, message);
  }

  private safeNack(message: PulsarMessage): void {
    try {
      this.consumer.negativeAcknowledge(message);
    } catch (err) {
      this.logger.warn({ err }, 'pulsar negative acknowledge failed; the broker redelivers on reconnect');
    }
  }

  /** Stop receiving, let in-flight messages finish within graceMs, flush and close. Idempotent. */
  stop(graceMs: number): Promise<void> {
    return (this.stopped ??= this.shutdown(graceMs));
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    this.slots.close();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.abandoned = true;
      this.logger.warn(
        { inFlight: this.inFlight.size },
        'pulsar shutdown grace period over: unfinished messages stay unacknowledged and will be redelivered',
      );
    }
    for (const [t, message] of this.delayedNacks) {
      clearTimeout(t);
      this.safeNack(message); // back to the subscription now rather than when the broker notices we left
    }
    this.delayedNacks.clear();
    const quietly = (what: string) => (err: unknown) => this.logger.warn({ err }, `pulsar ${what} failed during shutdown`);
    await this.consumer.close().catch(quietly('consumer close'));
    await Promise.all(
      Object.values(this.producers).map((p) =>
        p
          .flush()
          .then(() => p.close())
          .catch(quietly('producer flush/close')),
      ),
    );
    await this.client.close().catch(quietly('client close'));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
