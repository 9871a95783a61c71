/**
 * AFDP's Pulsar producers and consumers against this service's Pulsar door (the real adapter over
 * a fake broker, the app's core and workflows): the event from AFDP's own example producer, and
 * every message we publish checked against AFDP's Rust message types (messages.rs, notary.rs,
 * evidence.rs), which its consumers deserialize with serde.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgEventLedger, resolvePulsarConfig, startPulsarConsumer, type PulsarConsumerHandle } from '../../src/adapters/events/index.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { AFDP_DIR, rustTypes, serdeMismatches } from '../support/afdp.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openMigrated } from '../support/databases.js';
import { FakePulsarBroker } from '../support/fake-pulsar.js';

type Json = Record<string, any>;
const types = rustTypes('pulsar/evidence.rs', 'pulsar/notary.rs', 'pulsar/messages.rs');
/** AFDP's example producer's event (examples/pulsar/send-model-deployment-event.py), as it sends it. */
const afdpEvent = (): Json => JSON.parse(readFileSync(join(AFDP_DIR, 'pulsar/model-deployment-event.json'), 'utf8')) as Json;
const TYPE_OF_TOPIC = { results: 'NotaryResult', status: 'NotaryStatus', errors: 'NotaryError' } as const;

describe('AFDP Pulsar producers and consumers against this service', () => {
  let app: TestApp;
  let db: SqlClient;
  let broker: FakePulsarBroker;
  let consumer: PulsarConsumerHandle;
  const config = resolvePulsarConfig({
    serviceUrl: 'pulsar://fake',
    nackRedeliverMs: 10,
    backoff: { baseMs: 10, maxMs: 40 },
    receivePollMs: 10,
  });
  beforeAll(async () => {
    app = await startTestApp();
    db = await openMigrated();
    broker = new FakePulsarBroker();
    consumer = await startPulsarConsumer({
      config,
      notary: app.notary,
      requestApproval: app.workflows.requestApproval.bind(app.workflows),
      ledger: new PgEventLedger(db),
      logger: pino({ level: 'silent' }),
      clientFactory: async () => broker.client(),
    });
  });
  afterAll(async () => {
    await consumer?.stop(0);
    await db?.close();
    await app?.close();
  });

  /** Publishes one message and waits until it is acknowledged; answers what was published for it, by topic. */
  async function deliver(data: string, properties: Record<string, string>) {
    const before = Object.fromEntries(
      Object.keys(TYPE_OF_TOPIC).map((t) => [t, broker.messages(config.topics[t as keyof typeof TYPE_OF_TOPIC]).length]),
    );
    broker.publish(config.topics.events, Buffer.from(data), properties);
    for (const deadline = Date.now() + 20_000; broker.unacknowledged(config.topics.events, config.subscription) > 0;) {
      if (Date.now() > deadline) throw new Error('not acknowledged in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    const out: Record<string, { body: Json; properties: Record<string, string> }[]> = {};
    for (const topic of Object.keys(TYPE_OF_TOPIC) as (keyof typeof TYPE_OF_TOPIC)[]) {
      out[topic] = broker
        .messages(config.topics[topic])
        .slice(before[topic])
        .map((m) => ({ body: JSON.parse(m.data.toString()) as Json, properties: m.properties }));
      // every message an AFDP consumer receives must deserialize as its Rust type
      for (const m of out[topic]!)
        expect(serdeMismatches(TYPE_OF_TOPIC[topic], m.body, types), `${topic}: ${JSON.stringify(m.body).slice(0, 200)}`).toEqual([]);
    }
    return out;
  }
  const send = (event: Json) => deliver(JSON.stringify(event), { event_id: String(event.event_id) });

  it("starts the approval AFDP's example producer asks for, and tells its consumers in AFDP's words", async () => {
    const event = afdpEvent();
    // AFDP's Rust Actor is `#[serde(rename = "type")]`, yet its own Python producer sends `actor_type`: we read both
    expect(serdeMismatches('PipelineEvent', event, types)).toEqual(['$.actor.type: missing (String)']);
    const out = await send(event);
    expect(out.results).toEqual([]);
    const [status] = out.status!;
    expect(status!.body).toMatchObject({ event_id: event.event_id, status: 'pending_approval', trace_id: event.trace_id });
    expect(status!.properties).toMatchObject({
      event_id: event.event_id,
      workflow_id: status!.body.workflow_id,
      status: 'PendingApproval',
      message_type: 'notary_status',
      trace_id: event.trace_id,
    });
    const workflow = (await app.rest.inject(`/api/v1/workflows/${status!.body.workflow_id}/status`)).json();
    expect(workflow).toMatchObject({ workflow_type: 'approval_signing', status: 'pending', quorum: 3 });
    expect(workflow.approval_statuses.map((s: Json) => s.approver)).toEqual(event.workflow_config.approvers);
  });

  it('signs a simple_sign event: a NotaryResult whose receipt AFDP parses and whose rekor_log_id finds the entry', async () => {
    const event = {
      ...afdpEvent(),
      event_id: 'deploy-simple-1',
      workflow_config: { ...afdpEvent().workflow_config, workflow_type: 'simple_sign', approvers: [] },
    };
    const out = await send(event);
    const [result] = out.results!;
    expect(result!.body).toMatchObject({ event_id: event.event_id, workflow_type: 'simple_sign', success: true, error: null });
    expect(result!.properties).toMatchObject({
      event_id: event.event_id,
      workflow_id: result!.body.workflow_id,
      success: 'true',
      message_type: 'notary_result',
    });
    const receipt = result!.body.receipt;
    const entry = (await app.rest.inject(`/api/v1/log/entries/${receipt.rekor_log_id}`)).json();
    expect(entry[receipt.rekor_log_id]).toMatchObject({ logIndex: receipt.log_index, logID: receipt.transparency_log_id });
    expect(out.status!.map((s) => [s.body.status, s.properties.status, s.body.workflow_id])).toEqual([
      ['completed', 'Completed', result!.body.workflow_id],
    ]);
  });

  it("gives a batch_sign event's status a string workflow_id, and an AFDP Rust actor (`type`) is read", async () => {
    const { actor_type, ...actor } = afdpEvent().actor as Json;
    const event = {
      ...afdpEvent(),
      event_id: 'deploy-batch-1',
      actor: { type: actor_type, ...actor },
      workflow_config: { ...afdpEvent().workflow_config, workflow_type: 'batch_sign' },
    };
    const out = await send(event);
    expect(out.results).toHaveLength(1);
    expect(out.status!.map((s) => [s.body.status, s.body.workflow_id, s.properties.status])).toEqual([['completed', '', 'Completed']]);
  });

  it('refuses a bad event with a NotaryError AFDP parses, error_type Validation as a property', async () => {
    const event = { ...afdpEvent(), event_id: 'deploy-bad-1', event_type: { model_deployment: { model_id: 'x' } } };
    const out = await send(event);
    const [error] = out.errors!;
    expect(error!.body).toMatchObject({ event_id: 'deploy-bad-1', error_type: 'validation', workflow_id: null });
    expect(error!.properties).toMatchObject({ event_id: 'deploy-bad-1', error_type: 'Validation', message_type: 'notary_error' });
    expect(out.status!.map((s) => [s.body.status, s.body.workflow_id, s.properties.status])).toEqual([['failed', '', 'Failed']]);
  });

  it('answers a message that is not even JSON with a NotaryError whose event_id is still a string', async () => {
    const out = await deliver('{not json', {});
    expect(out.errors![0]!.body).toMatchObject({ event_id: '', error_type: 'validation' });
  });
});
