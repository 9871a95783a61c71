import type { Notary } from '../../../core/notary.js';
import type { Clock, Logger } from '../../../ports/clock.js';
import type { EventLedger } from '../ledger.js';
import type { RequestApproval } from '../start-approval.js';
import type { PulsarConfig } from '../../../config/pulsar-settings.js';
import { defaultClientFactory, type PulsarClientFactory } from './load-client.js';
import { EventRunner, type Producers } from './runner.js';
import type { PulsarClient } from './types.js';
import type { MessageOutcome } from './runner.js';

export interface StartPulsarConsumerOptions {
  config: PulsarConfig;
  notary: Pick<Notary, 'prepare' | 'notarizePrepared'>;
  /** WorkflowService.requestApproval, bound: enables approval_sign events */
  requestApproval?: RequestApproval;
  ledger: EventLedger;
  logger: Logger;
  /** default: loads the optional `pulsar-client` package */
  clientFactory?: PulsarClientFactory;
  clock?: Clock;
  random?: () => number;
  /** per message: consumed, then acked / nacked / dlq (for notary_pulsar_messages_total) */
  onOutcome?: (outcome: MessageOutcome) => void;
}

export interface PulsarConsumerHandle {
  /** stops receiving, waits up to graceMs for messages in flight, flushes producers, closes; idempotent */
  stop(graceMs?: number): Promise<void>;
}

/** The Pulsar door: subscribes to the events topic and notarizes what arrives. */
export async function startPulsarConsumer(options: StartPulsarConsumerOptions): Promise<PulsarConsumerHandle> {
  const { config, logger } = options;
  const client = await (options.clientFactory ?? defaultClientFactory)(config);
  try {
    const producers = await openProducers(client, config);
    const consumer = await client.subscribe({
      topic: config.topics.events,
      subscription: config.subscription,
      subscriptionType: config.subscriptionType,
      consumerName: config.consumerName,
      receiverQueueSize: config.receiverQueueSize,
      nAckRedeliverTimeoutMs: config.nackRedeliverMs,
      // No client deadLetterPolicy: it would move a message without the NotaryError that says why;
      // the handler dead-letters itself after maxDeliveries.
    });
    const runner = new EventRunner(
      client,
      consumer,
      producers,
      config,
      {
        notary: options.notary,
        requestApproval: options.requestApproval,
        ledger: options.ledger,
        clock: options.clock ?? { now: () => new Date() },
        maxDeliveries: config.maxDeliveries,
        backoff: config.backoff,
        random: options.random,
      },
      logger,
      options.onOutcome,
    );
    runner.start();
    logger.info(
      { topic: config.topics.events, subscription: config.subscription, maxInFlight: config.maxInFlight },
      'pulsar consumer started',
    );
    return { stop: (graceMs = 10_000) => runner.stop(graceMs) };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}

async function openProducers(client: PulsarClient, config: PulsarConfig): Promise<Producers> {
  const open = (topic: string) => client.createProducer({ topic, blockIfQueueFull: true });
  const [results, status, errors, dlq] = await Promise.all([
    open(config.topics.results),
    open(config.topics.status),
    open(config.topics.errors),
    open(config.topics.dlq),
  ]);
  return { results, status, errors, dlq };
}
