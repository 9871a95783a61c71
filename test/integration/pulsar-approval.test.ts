import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelDeploymentEvent } from '../../examples/publish-event.js';
import {
  decodeEvent,
  PgEventLedger,
  resolvePulsarConfig,
  startPulsarConsumer,
  toEvidencePackages,
  type NotaryErrorMessage,
  type NotaryStatusMessage,
  type PulsarConsumerHandle,
} from '../../src/adapters/events/index.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import type { EvidencePackage } from '../../src/core/evidence.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { freshPostgresDatabase, skipBackend } from '../support/databases.js';
import { FakePulsarBroker } from '../support/fake-pulsar.js';
import { validate } from '../support/http.js';
import { decide } from '../support/workflow-http.js';

/**
 * The real app (REST, workflow service and store) with the Pulsar door wired as app.ts wires it,
 * over a fake broker, on the external PostgreSQL: the test keeps its own connection for the event
 * ledger beside the service's.
 */
const skip = skipBackend('postgres');

describe.skipIf(skip)('approval_sign over Pulsar, real app', () => {
  let app: TestApp;
  let db: SqlClient;
  let consumer: PulsarConsumerHandle;
  const broker = new FakePulsarBroker();
  const config = resolvePulsarConfig({
    serviceUrl: 'pulsar://fake',
    nackRedeliverMs: 10,
    backoff: { baseMs: 10, maxMs: 40 },
    receivePollMs: 10,
  });

  beforeAll(async () => {
    const url = await freshPostgresDatabase();
    app = await startTestApp({ DATABASE_URL: url, NOTARY_WORKFLOW_POLL_MS: '50' });
    db = connectPostgres(url, 2);
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

  const send = (event: Record<string, unknown>) =>
    broker.publish(config.topics.events, Buffer.from(JSON.stringify(event)), { event_id: String(event.event_id) });
  const read = <T>(topic: 'status' | 'errors' | 'results', eventId: unknown) =>
    broker
      .messages(config.topics[topic])
      .map((m) => JSON.parse(m.data.toString()) as T & { event_id: string })
      .filter((m) => m.event_id === eventId);
  const settled = () => broker.unacknowledged(config.topics.events, config.subscription) === 0;
  /** the package an event maps to (workflow_config is not signed) */
  const packageOf = (event: Record<string, unknown>) =>
    toEvidencePackages(decodeEvent(Buffer.from(JSON.stringify({ ...event, workflow_config: undefined }))))[0] as EvidencePackage;
  const approvalWorkflows = async (event: Record<string, unknown>) => {
    const hash = app.notary.prepare(packageOf(event), 'event').hashHex;
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM workflows WHERE type = 'approval_sign' AND evidence_hash = $1",
      [hash],
    );
    return rows[0]!.n;
  };
  const approvalEvent = (approvers = ['alice', 'bob']) =>
    modelDeploymentEvent({ workflow_config: { workflow_type: 'approval_sign', approvers, timeout: 3600 } });

  it('starts one pending workflow (duplicate delivery included); approving it over REST completes it with a receipt that validates', async () => {
    const event = approvalEvent();
    send(event);
    send(event); // a duplicate delivery
    await until(() => read('status', event.event_id).length === 2 && settled());
    const [first, again] = read<NotaryStatusMessage>('status', event.event_id);
    expect(first).toMatchObject({ status: 'pending_approval', progress: { total_steps: 2, completed_steps: 0 } });
    expect(again).toEqual(first); // the stored status, re-published
    expect(await approvalWorkflows(event)).toBe(1);
    const id = first!.workflow_id!;

    const status = (await app.rest.inject(`/api/v1/workflows/${id}/status`)).json();
    expect(status).toMatchObject({ workflow_id: id, workflow_type: 'approval_signing', status: 'pending', quorum: 2 });
    expect(status.approval_statuses.map((s: { approver: string; status: string }) => [s.approver, s.status])).toEqual([
      ['alice', 'pending'],
      ['bob', 'pending'],
    ]);

    expect((await decide(app.rest, id, { approver: 'alice', decision: 'approve' })).body.status).toBe('pending');
    const done = await decide(app.rest, id, { approver: 'bob', decision: 'approve' });
    expect(done.body.status).toBe('completed');
    expect(done.body.receipt.approvals.map((a: { approver: string }) => a.approver)).toEqual(['alice', 'bob']);
    expect((await validate(app.rest, packageOf(event), done.body.receipt)).body.is_valid).toBe(true);
    expect(read('errors', event.event_id)).toEqual([]);
  });

  it('a crash between creating the workflow and recording the event: the store finds the workflow by the event key', async () => {
    const event = approvalEvent();
    send(event);
    await until(() => read('status', event.event_id).length === 1 && settled());
    await db.query('DELETE FROM pulsar_events WHERE event_id = $1', [event.event_id]); // as if the ledger write never happened
    send(event);
    await until(() => read('status', event.event_id).length === 2 && settled());
    const [a, b] = read<NotaryStatusMessage>('status', event.event_id);
    expect(b!.workflow_id).toBe(a!.workflow_id);
    expect(await approvalWorkflows(event)).toBe(1);
  });

  it('the workflow key is refused for another request (idempotency_mismatch) and bad approvers dead-letter the event', async () => {
    const key = `test:${Date.now()}`;
    const pkg = packageOf(approvalEvent());
    const created = await app.workflows.requestApproval({ evidencePackage: pkg, approvers: ['alice'], idempotencyKey: key });
    expect((await app.workflows.requestApproval({ evidencePackage: pkg, approvers: ['alice'], idempotencyKey: key })).id).toBe(created.id);
    await expect(app.workflows.requestApproval({ evidencePackage: pkg, approvers: ['bob'], idempotencyKey: key })).rejects.toMatchObject({
      code: 'idempotency_mismatch',
    });

    const bad = approvalEvent([]);
    send(bad);
    await until(() => read('errors', bad.event_id).length === 1 && settled());
    expect(read<NotaryErrorMessage>('errors', bad.event_id)[0]).toMatchObject({
      error_type: 'validation',
      details: { field: 'event.workflow_config.approvers' },
    });
    expect(broker.messages(config.topics.dlq).some((m) => m.properties.event_id === bad.event_id)).toBe(true);
    expect(await approvalWorkflows(bad)).toBe(0);
  });
});

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check());) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
