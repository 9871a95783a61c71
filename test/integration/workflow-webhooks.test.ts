import { afterEach, describe, expect, it } from 'vitest';
import { PgWebhookOutbox, WebhookDispatcher } from '../../src/adapters/webhooks/index.js';
import { backends, skipBackend } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import { LOOPBACK_POLICY, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { logger, openCluster } from './workflow-support.js';

const SECRET = 'integration-webhook-secret';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(backend: (typeof backends)[number], maxAttempts = 5) {
  const hooks: WebhookReceiver = await startWebhookReceiver(SECRET);
  const c = await openCluster(backend, 2, { webhookUrl: hooks.url });
  closers.push(c.close, hooks.close);
  const dispatcher = (i: number) =>
    new WebhookDispatcher({
      outbox: new PgWebhookOutbox(c.nodes[i]!.db),
      secret: SECRET,
      logger,
      baseDelayMs: 1000,
      maxAttempts,
      now: c.clock.now,
      policy: LOOPBACK_POLICY,
    });
  return { ...c, hooks, dispatchers: [dispatcher(0), dispatcher(1)], outbox: new PgWebhookOutbox(c.db) };
}

describe.each(backends)('webhook delivery on %s', (backend) => {
  it.skipIf(skipBackend(backend))('delivers each event once with an HMAC of the raw body, from whichever replica claims it', async () => {
    const {
      nodes: [a],
      hooks,
      dispatchers,
      outbox,
    } = await setup(backend);
    const wf = await a!.service.requestApproval({ evidencePackage: uniquePackage(`hook-${backend}`), approvers: ['x'] });
    await a!.service.decide(wf.id, { approver: 'x', decision: 'approve' });
    const delivered = await Promise.all(dispatchers.map((d) => d.runOnce()));
    expect(delivered[0]! + delivered[1]!).toBe(2);
    expect(hooks.received.map((r) => r.body.event).sort()).toEqual(['approval_required', 'completed']);
    for (const r of hooks.received) {
      expect(r.signatureValid).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-afdp-event']).toBe(r.body.event);
      expect(r.body).toMatchObject({ id: `${wf.id}:${r.body.event}`, workflow_id: wf.id, workflow_type: 'approval_signing' });
    }
    expect(hooks.received.find((r) => r.body.event === 'approval_required')!.body.details).toMatchObject({ approvers: ['x'], quorum: 1 });
    expect(await outbox.backlog()).toBe(0);
  });

  it.skipIf(skipBackend(backend))('retries a failing receiver with backoff and the same bytes, then gives up', async () => {
    const {
      nodes: [a],
      hooks,
      dispatchers: [d],
      outbox,
      clock,
    } = await setup(backend, 3);
    await a!.service.requestApproval({ evidencePackage: uniquePackage(`retry-hook-${backend}`), approvers: ['x'] });
    hooks.failNext(1, 503);
    expect(await d!.runOnce()).toBe(0);
    expect(await d!.runOnce()).toBe(0); // not due yet: backoff 1 s
    clock.advance(1000);
    expect(await d!.runOnce()).toBe(1);
    expect(hooks.received).toHaveLength(2);
    expect(hooks.received[0]!.raw).toBe(hooks.received[1]!.raw);
    expect(hooks.received[0]!.headers['x-afdp-delivery']).toBe(hooks.received[1]!.headers['x-afdp-delivery']);

    await a!.service.requestApproval({ evidencePackage: uniquePackage(`give-up-${backend}`), approvers: ['x'] });
    hooks.failNext(10, 500);
    for (let i = 0; i < 5; i++) {
      await d!.runOnce();
      clock.advance(10_000);
    }
    expect(hooks.received).toHaveLength(2 + 3); // maxAttempts, then it stops
    expect(await outbox.backlog()).toBe(0);
  });
});
