import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { modelDeploymentEvent } from '../../examples/publish-event.js';
import {
  decodeEvent,
  PgEventLedger,
  resolvePulsarConfig,
  startPulsarConsumer,
  toEvidencePackages,
  type EventLedger,
  type NotaryErrorMessage,
  type NotaryResultMessage,
  type PulsarConsumerHandle,
  type PulsarOptions,
} from '../../src/adapters/events/index.js';
import { LocalKeyringSigner } from '../../src/adapters/signer/local/index.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { NotaryError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Notary } from '../../src/core/notary.js';
import type { EvidenceStore } from '../../src/ports/evidence-store.js';
import { openMigrated, tempDir } from '../support/databases.js';
import { FakePulsarBroker } from '../support/fake-pulsar.js';

const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type NotaryPort = Pick<Notary, 'prepare' | 'notarizePrepared'>;

interface SetupOptions {
  store?: (s: PgEvidenceStore) => EvidenceStore;
  notary?: (n: Notary) => NotaryPort;
  ledger?: (l: EventLedger) => EventLedger;
  config?: Partial<PulsarOptions>;
  onOutcome?: (outcome: string) => void;
}

/** One database, keyring and log for the file (slow to make); each test gets its own Notary, ledger view and broker. */
let shared: Promise<{ db: SqlClient; store: PgEvidenceStore; log: EmbeddedLog; signer: LocalKeyringSigner }> | undefined;
function base() {
  return (shared ??= (async () => {
    const db = await openMigrated();
    const log = await EmbeddedLog.open({
      db,
      key: await loadOrCreateLogKey(db, randomBytes(32)),
      origin: 'test/log',
      url: 'http://log.test',
    });
    return { db, store: new PgEvidenceStore(db), log, signer: new LocalKeyringSigner({ dir: tempDir() }) };
  })());
}
afterAll(async () => {
  await (await shared)?.db.close();
});

/** The real core, store, embedded log and ledger on the embedded PostgreSQL, behind the real adapter over a fake broker. */
async function setup(o: SetupOptions = {}) {
  const { db, store, log, signer } = await base();
  const notary = new Notary({
    signer,
    log,
    store: o.store?.(store) ?? store,
    logger,
    limits: DEFAULT_LIMITS,
    clock: { now: () => new Date() },
    ids: { next: randomUUID },
  });
  const ledger = new PgEventLedger(db);
  const broker = new FakePulsarBroker();
  const config = resolvePulsarConfig({
    serviceUrl: 'pulsar://fake',
    nackRedeliverMs: 10,
    backoff: { baseMs: 10, maxMs: 40 },
    receivePollMs: 10,
    ...o.config,
  });
  const start = async (port: NotaryPort = o.notary?.(notary) ?? notary): Promise<PulsarConsumerHandle> => {
    const handle = await startPulsarConsumer({
      config,
      notary: port,
      ledger: o.ledger?.(ledger) ?? ledger,
      logger,
      clientFactory: async () => broker.client(),
      onOutcome: o.onOutcome,
    });
    cleanups.push(() => handle.stop(0));
    return handle;
  };
  const send = (event: Record<string, unknown>, properties: Record<string, string> = {}) =>
    broker.publish(config.topics.events, Buffer.from(JSON.stringify(event)), { event_id: String(event.event_id), ...properties });
  const read = <T>(topic: keyof typeof config.topics) =>
    broker.messages(config.topics[topic]).map((m) => JSON.parse(m.data.toString()) as T);
  const pending = () => broker.unacknowledged(config.topics.events, config.subscription);
  /** how many workflows signed the package this event maps to */
  const signatures = async (event: Record<string, unknown>) => {
    const hash = notary.prepare(toEvidencePackages(decodeEvent(Buffer.from(JSON.stringify(event))))[0], 'event').hashHex;
    return (await notary.getEvidence(hash).catch(() => ({ workflow_ids: [] }))).workflow_ids.length;
  };
  return { db, notary, ledger, broker, config, start, send, read, pending, signatures };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check());) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A notary whose notarizePrepared waits for release(): holds messages in flight. */
function gated(real: Notary) {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const state = { active: 0, peak: 0, release: () => open() };
  const port: NotaryPort = {
    prepare: (raw, path) => real.prepare(raw, path),
    async notarizePrepared(evidence, options) {
      state.peak = Math.max(state.peak, ++state.active);
      await gate;
      state.active--;
      return real.notarizePrepared(evidence, options);
    },
  };
  return { port, state };
}

describe('Pulsar consumer over a fake broker, real core and store', () => {
  it('notarizes simple_sign and batch_sign events, publishes verifiable results, acks after storing', async () => {
    const t = await setup();
    await t.start();
    const simple = modelDeploymentEvent();
    const pkgs = [1, 2].map((n) => ({
      ...(toEvidencePackages(decodeEvent(Buffer.from(JSON.stringify(simple))))[0] as object),
      metadata: { n },
    }));
    const batch = modelDeploymentEvent({ workflow_config: { workflow_type: 'batch_sign' }, evidence_packages: pkgs });
    t.send(simple);
    t.send(batch);
    await until(() => t.read('status').length === 2 && t.pending() === 0);
    const results = t.read<NotaryResultMessage>('results');
    expect(results.map((r) => [r.event_id, r.workflow_type])).toEqual(
      expect.arrayContaining([
        [simple.event_id, 'simple_sign'],
        [batch.event_id, 'batch_sign'],
        [batch.event_id, 'batch_sign'],
      ]),
    );
    const mine = results.find((r) => r.event_id === simple.event_id)!;
    expect(mine.receipt?.anchoring).toBe('anchored');
    const signedPkg = toEvidencePackages(decodeEvent(Buffer.from(JSON.stringify(simple))))[0];
    expect((await t.notary.validate(signedPkg, mine.receipt)).is_valid).toBe(true);
    expect(t.broker.messages(t.config.topics.results)[0]!.properties).toMatchObject({ message_type: 'notary_result' });
    expect(t.read('errors')).toEqual([]);
  });

  it('a duplicate delivery is not signed again: the stored result is re-published', async () => {
    const t = await setup();
    await t.start();
    const event = modelDeploymentEvent();
    t.send(event);
    t.send(event);
    await until(() => t.read('results').length === 2 && t.pending() === 0);
    const [a, b] = t.read<NotaryResultMessage>('results');
    expect(b).toEqual(a);
    expect(await t.signatures(event)).toBe(1);
  });

  it('a poison message goes straight to the DLQ with a validation NotaryError and is acked', async () => {
    const t = await setup();
    await t.start();
    t.broker.publish(t.config.topics.events, Buffer.from('{"event_id": "half'), { event_id: 'poison-1' });
    await until(() => t.broker.messages(t.config.topics.dlq).length === 1 && t.pending() === 0);
    const [dead] = t.broker.messages(t.config.topics.dlq);
    expect(dead!.data.toString()).toBe('{"event_id": "half');
    expect(dead!.properties).toMatchObject({
      event_id: 'poison-1',
      afdp_error_code: 'invalid_request',
      afdp_original_topic: t.config.topics.events,
    });
    expect(t.read<NotaryErrorMessage>('errors')[0]).toMatchObject({ event_id: 'poison-1', error_type: 'validation' });
    expect(t.read('results')).toEqual([]);
  });
});

/** Delegates to the real store, but the first `n` saves fail as a database blip does. */
const savesFail =
  (n: number) =>
  (s: PgEvidenceStore): EvidenceStore =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === 'save' && n-- > 0)
          return async () => {
            throw new NotaryError('unavailable', 'evidence store save failed');
          };
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });

describe('Pulsar consumer: failures mid-message are redelivered and signed once', () => {
  it('the store failing before the evidence is durable: nacked, redelivered, signed once', async () => {
    const t = await setup({ store: savesFail(1) });
    await t.start();
    const event = modelDeploymentEvent();
    t.send(event);
    await until(() => t.read('results').length === 1 && t.pending() === 0);
    expect(t.read<NotaryErrorMessage>('errors')[0]).toMatchObject({ error_type: 'network', retry_count: 0, details: { will_retry: true } });
    expect(await t.signatures(event)).toBe(1);
  });

  it('reports every message as consumed, then acked, nacked or dead-lettered (metrics)', async () => {
    const outcomes: string[] = [];
    const t = await setup({ store: savesFail(1), onOutcome: (o) => outcomes.push(o) });
    await t.start();
    t.send(modelDeploymentEvent());
    t.broker.publish(t.config.topics.events, Buffer.from('not json'), { event_id: 'poison-metrics' });
    await until(() => t.read('results').length === 1 && t.pending() === 0 && outcomes.includes('dlq'));
    const count = (o: string) => outcomes.filter((x) => x === o).length;
    // the good event: nacked once (store blip), then acked on redelivery; the poison one: dead-lettered
    expect({ consumed: count('consumed'), acked: count('acked'), nacked: count('nacked'), dlq: count('dlq') }).toEqual({
      consumed: 3,
      acked: 1,
      nacked: 1,
      dlq: 1,
    });
  });

  it('the process failing after the evidence is durable but before the ack: the redelivery replays the same workflow', async () => {
    let crashes = 1;
    const t = await setup({
      notary: (real) => ({
        prepare: (raw, path) => real.prepare(raw, path),
        async notarizePrepared(evidence, options) {
          const r = await real.notarizePrepared(evidence, options);
          if (crashes-- > 0) throw new Error('worker died after commit');
          return r;
        },
      }),
    });
    await t.start();
    const event = modelDeploymentEvent();
    t.send(event);
    await until(() => t.read('results').length === 1 && t.pending() === 0);
    const [result] = t.read<NotaryResultMessage>('results');
    expect(await t.signatures(event)).toBe(1);
    expect((await t.notary.getReceipt(result!.workflow_id)).evidence_package_hash).toBe(result!.receipt?.evidence_package_hash);
  });

  it('publishing the result failing: nothing acked, the stored result is published on redelivery', async () => {
    const t = await setup();
    t.broker.failSends(t.config.topics.results, 1);
    await t.start();
    const event = modelDeploymentEvent();
    t.send(event);
    await until(() => t.read('results').length === 1 && t.pending() === 0);
    expect(await t.signatures(event)).toBe(1);
  });

  it('after maxDeliveries transient failures the message is dead-lettered with a NotaryError', async () => {
    const t = await setup({ store: savesFail(Infinity), config: { maxDeliveries: 3 } });
    await t.start();
    t.send(modelDeploymentEvent());
    await until(() => t.broker.messages(t.config.topics.dlq).length === 1 && t.pending() === 0);
    expect(t.broker.messages(t.config.topics.dlq)[0]!.properties).toMatchObject({ afdp_error_code: 'unavailable', afdp_deliveries: '3' });
    const errors = t.read<NotaryErrorMessage>('errors');
    expect(errors.map((e) => e.retry_count)).toEqual([0, 1, 2]);
    expect(errors[2]!.details).toMatchObject({ dead_lettered: true, deliveries: 3 });
  });
});

describe('Pulsar consumer: backpressure and shutdown', () => {
  it('never handles more than maxInFlight messages at once', async () => {
    const t = await setup({ config: { maxInFlight: 2 } });
    const g = gated(t.notary);
    await t.start(g.port);
    for (let i = 0; i < 5; i++) t.send(modelDeploymentEvent());
    await until(() => g.state.active === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(g.state.active).toBe(2);
    g.state.release();
    await until(() => t.read('results').length === 5 && t.pending() === 0);
    expect(g.state.peak).toBe(2);
  });

  it('stop() drains messages in flight within the grace period, then closes', async () => {
    const t = await setup();
    const g = gated(t.notary);
    const handle = await t.start(g.port);
    for (let i = 0; i < 3; i++) t.send(modelDeploymentEvent());
    await until(() => g.state.active === 3);
    const stopped = handle.stop(10_000);
    setTimeout(() => g.state.release(), 50);
    await stopped;
    expect(t.read('results')).toHaveLength(3);
    expect(t.pending()).toBe(0);
    t.send(modelDeploymentEvent()); // after stop: nobody receives it
    await new Promise((r) => setTimeout(r, 50));
    expect(t.read('results')).toHaveLength(3);
  });

  it('messages still in flight when the grace period ends are left unacked and redelivered elsewhere, signed once', async () => {
    const t = await setup();
    const g = gated(t.notary);
    const first = await t.start(g.port);
    const events = [modelDeploymentEvent(), modelDeploymentEvent()];
    events.forEach((e) => t.send(e));
    await until(() => g.state.active === 2);
    await first.stop(30);
    expect(t.read('results')).toHaveLength(0);
    expect(t.pending()).toBe(2); // handed back to the subscription
    await t.start(); // another replica on the shared subscription
    await until(() => t.read('results').length === 2 && t.pending() === 0);
    g.state.release(); // the abandoned handlers finish late: they replay, sign nothing, publish nothing
    await until(() => g.state.active === 0);
    await new Promise((r) => setTimeout(r, 50));
    for (const e of events) expect(await t.signatures(e)).toBe(1);
    expect(t.read('results')).toHaveLength(2);
  });
});
