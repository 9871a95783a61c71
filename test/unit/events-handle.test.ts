import { describe, expect, it } from 'vitest';
import { modelDeploymentEvent } from '../../examples/publish-event.js';
import {
  handleEvent,
  type Action,
  type EventLedger,
  type HandleDeps,
  type LedgerEntry,
  type NotaryErrorMessage,
  type NotaryResultMessage,
  type NotaryStatusMessage,
} from '../../src/adapters/events/index.js';
import { NotaryError } from '../../src/core/errors.js';
import type { CanonicalEvidence } from '../../src/core/evidence.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { Notary, NotarizeOptions, NotarizeResult } from '../../src/core/notary.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import type { Receipt } from '../../src/core/receipt.js';
import type { ApprovalInput, WorkflowView } from '../../src/core/workflows/index.js';
import { approvalRequest } from '../../src/core/workflows/inputs.js';

/** The core's real validation and hashing; signing replaced by a record of what was signed under which key. */
function fakeNotary() {
  const signed: { evidence: CanonicalEvidence; key?: string }[] = [];
  const byKey = new Map<string, NotarizeResult>();
  const failures: unknown[] = [];
  const notary = {
    prepare: (raw: unknown, path?: string) => prepareEvidence(raw, DEFAULT_LIMITS, path),
    async notarizePrepared(evidence: CanonicalEvidence, options: NotarizeOptions = {}): Promise<NotarizeResult> {
      if (failures.length) throw failures.shift();
      const prior = options.idempotencyKey ? byKey.get(options.idempotencyKey) : undefined;
      if (prior) {
        if (prior.receipt.evidence_package_hash !== evidence.hashHex) throw new NotaryError('idempotency_mismatch', 'different body');
        return { ...prior, replayed: true };
      }
      signed.push({ evidence, key: options.idempotencyKey });
      const id = `00000000-0000-4000-8000-${String(signed.length).padStart(12, '0')}`;
      const receipt = { workflow_id: id, evidence_package_hash: evidence.hashHex, anchoring: 'anchored' } as Receipt;
      const result = { workflow: { id, type: 'simple_sign', status: 'completed' }, receipt, replayed: false } as NotarizeResult;
      if (options.idempotencyKey) byKey.set(options.idempotencyKey, result);
      return result;
    },
  } satisfies Pick<Notary, 'prepare' | 'notarizePrepared'>;
  return { notary, signed, failures };
}

/** requestApproval with the core's real input checks, and one workflow per idempotency key as the store keeps it. */
function fakeApprovals() {
  const created: ApprovalInput[] = [];
  const byKey = new Map<string, WorkflowView>();
  const failures: unknown[] = [];
  async function requestApproval(input: ApprovalInput): Promise<WorkflowView> {
    if (failures.length) throw failures.shift();
    approvalRequest(input, new Date('2024-02-01T00:00:00Z'), { maxBatchSize: 10, defaultExpiresSeconds: 3600 });
    const prior = input.idempotencyKey ? byKey.get(input.idempotencyKey) : undefined;
    if (prior) return prior;
    created.push(input);
    const at = '2024-02-01T00:00:00.000Z';
    const view: WorkflowView = {
      id: `00000000-0000-4000-a000-${String(created.length).padStart(12, '0')}`,
      type: 'approval_sign',
      status: 'pending',
      evidence_package_hash: prepareEvidence(input.evidencePackage, DEFAULT_LIMITS).hashHex,
      created_at: at,
      updated_at: at,
      completed_at: null,
      error_message: null,
      approval_statuses: input.approvers.map((approver) => ({ approver, status: 'pending', timestamp: at, comment: null })),
      quorum: input.quorum ?? input.approvers.length,
      expires_at: '2024-02-01T01:00:00.000Z',
    };
    if (input.idempotencyKey) byKey.set(input.idempotencyKey, view);
    return view;
  }
  return { requestApproval, created, approvalFailures: failures };
}

function memoryLedger() {
  const rows = new Map<string, LedgerEntry>();
  const failures: unknown[] = [];
  const ledger: EventLedger = {
    find: async (id) => structuredClone(rows.get(id) ?? null),
    async record(entry) {
      if (failures.length) throw failures.shift();
      if (!rows.has(entry.eventId)) rows.set(entry.eventId, structuredClone(entry));
      return structuredClone(rows.get(entry.eventId)!);
    },
  };
  return { ledger, rows, failures };
}

function setup(over: Partial<HandleDeps> = {}) {
  const n = fakeNotary();
  const l = memoryLedger();
  const a = fakeApprovals();
  const deps: HandleDeps = {
    notary: n.notary,
    requestApproval: a.requestApproval,
    ledger: l.ledger,
    clock: { now: () => new Date('2024-02-01T00:00:00Z') },
    maxDeliveries: 5,
    backoff: { baseMs: 1000, maxMs: 60_000 },
    random: () => 0.5,
    ...over,
  };
  const handle = (event: unknown, redeliveryCount = 0, properties: Record<string, string> = {}) =>
    handleEvent(
      { data: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), properties, redeliveryCount, messageId: '7:1:-1' },
      deps,
    );
  return { ...n, ...l, ...a, deps, handle };
}

const published = (actions: Action[], topic: string) =>
  actions.flatMap((a) => (a.kind === 'publish' && a.publication.topic === topic ? [a.publication.payload] : []));
const kinds = (actions: Action[]) => actions.map((a) => (a.kind === 'publish' ? `publish:${a.publication.topic}` : a.kind));

describe('handleEvent: happy paths', () => {
  const variants: [string, unknown, string][] = [
    [
      'model_deployment',
      { model_deployment: { model_id: 'm', version: '1', environment: 'prod', strategy: 'canary' } },
      'ai.model.deployment',
    ],
    [
      'data_pipeline',
      { data_pipeline: { pipeline_id: 'p', run_id: 'r', data_sources: ['s3://a'], outputs: ['s3://b'] } },
      'ai.data.pipeline',
    ],
    ['inference', { inference: { model_id: 'm', request_id: 'q', input_hash: 'i', prediction_hash: 'o' } }, 'ai.inference'],
    ['compliance', { compliance: { check_type: 'sox', status: 'passed', audit_ref: 'A-1' } }, 'ai.compliance'],
    ['custom', { custom: 'drift.check' }, 'ai.custom.drift.check'],
  ];
  it.each(variants)('%s: signs the mapped package once, publishes result and status, then acks', async (_name, eventType, dotted) => {
    const t = setup();
    const event = modelDeploymentEvent({ event_type: eventType });
    const actions = await t.handle(event);
    expect(kinds(actions)).toEqual(['publish:results', 'publish:status', 'ack']);
    expect(t.signed).toHaveLength(1);
    expect(t.signed[0]!.key).toBe(`pulsar:${event.event_id}`);
    const pkg = t.signed[0]!.evidence.pkg;
    expect(pkg.event_type).toBe(dotted);
    expect(pkg.timestamp_utc).toBe(event.timestamp);
    expect(pkg.metadata).toMatchObject({ deployment_id: 'deploy-20240115-001', pipeline_event: { source: 'ci-cd-pipeline' } });
    // delivery data is not part of the claim
    expect(JSON.stringify(pkg)).not.toContain(String(event.event_id));
    expect(JSON.stringify(pkg)).not.toContain(String(event.trace_id));
    const [result] = published(actions, 'results') as NotaryResultMessage[];
    expect(result).toMatchObject({ event_id: event.event_id, success: true, workflow_type: 'simple_sign', trace_id: event.trace_id });
    expect(result!.receipt?.evidence_package_hash).toBe(t.signed[0]!.evidence.hashHex);
    const [status] = published(actions, 'status') as NotaryStatusMessage[];
    expect(status).toMatchObject({ status: 'completed', workflow_id: result!.workflow_id });
    const props = actions.find((a) => a.kind === 'publish')!;
    expect(props.kind === 'publish' && props.publication.properties).toMatchObject({
      message_type: 'notary_result',
      success: 'true',
      event_id: event.event_id,
    });
  });

  it('signs the same bytes for the same content under another event_id, trace or priority', async () => {
    const t = setup();
    const base = modelDeploymentEvent();
    await t.handle(base);
    await t.handle({ ...base, event_id: 'another-id', trace_id: 'other-trace', priority: 'low' });
    expect(t.signed).toHaveLength(2);
    expect(t.signed[0]!.evidence.hashHex).toBe(t.signed[1]!.evidence.hashHex);
  });

  it('accepts actor.type (AFDP Rust spelling) and signs it as actor_type', async () => {
    const t = setup();
    await t.handle(modelDeploymentEvent({ actor: { type: 'ci_system', id: 'jenkins' } }));
    expect(t.signed[0]!.evidence.pkg.actor).toEqual({ actor_type: 'ci_system', id: 'jenkins' });
    const clash = await t.handle(modelDeploymentEvent({ actor: { type: 'a', actor_type: 'b', id: 'x' } }));
    expect(kinds(clash)).toContain('dlq');
  });

  it('a duplicate delivery re-publishes the stored messages without signing again', async () => {
    const t = setup();
    const event = modelDeploymentEvent();
    const first = await t.handle(event);
    const again = await t.handle(event, 1);
    expect(t.signed).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('the same event_id with other content is dead-lettered, not signed', async () => {
    const t = setup();
    const event = modelDeploymentEvent();
    await t.handle(event);
    const actions = await t.handle({ ...event, metadata: { changed: true } });
    expect(kinds(actions)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    expect((published(actions, 'errors')[0] as NotaryErrorMessage).details.code).toBe('idempotency_mismatch');
    expect(t.signed).toHaveLength(1);
  });
});

describe('handleEvent: workflow types', () => {
  it('batch_sign signs each package with its own key and reports per item', async () => {
    const t = setup();
    const good = (n: number) => ({
      spec_version: '1.0.0',
      timestamp_utc: '2024-01-01T00:00:00Z',
      event_type: 'ai.model.deployment',
      actor: { actor_type: 'ci', id: 'ci' },
      artifacts: [{ name: `f${n}`, hash_sha256: 'a'.repeat(64) }],
    });
    const event = modelDeploymentEvent({
      workflow_config: { workflow_type: 'batch_sign' },
      evidence_packages: [good(1), { bad: true }, good(3)],
    });
    const actions = await t.handle(event);
    expect(kinds(actions)).toEqual(['publish:results', 'publish:errors', 'publish:results', 'publish:status', 'ack']);
    expect(t.signed.map((s) => s.key)).toEqual([`pulsar:${event.event_id}:0`, `pulsar:${event.event_id}:2`]);
    const results = published(actions, 'results') as NotaryResultMessage[];
    expect(results.map((r) => r.metadata.batch_index)).toEqual([0, 2]);
    expect(results.every((r) => r.workflow_type === 'batch_sign')).toBe(true);
    const [error] = published(actions, 'errors') as NotaryErrorMessage[];
    expect(error).toMatchObject({
      error_type: 'validation',
      details: { batch_index: 1, field: 'event.evidence_packages[1].spec_version' },
    });
    const [status] = published(actions, 'status') as NotaryStatusMessage[];
    expect(status).toMatchObject({ status: 'completed', workflow_id: '', progress: { total_steps: 3, completed_steps: 2 } });
    expect(await t.handle(event, 1)).toEqual(actions); // redelivery: nothing signed again
    expect(t.signed).toHaveLength(2);
  });

  it('batch_sign without evidence_packages is a batch of the event itself (as AFDP does)', async () => {
    const t = setup();
    const event = modelDeploymentEvent({ workflow_config: { workflow_type: 'batch_sign' } });
    expect(kinds(await t.handle(event))).toEqual(['publish:results', 'publish:status', 'ack']);
    expect(t.signed[0]!.key).toBe(`pulsar:${event.event_id}:0`);
  });

  it.each([['approval_sign'], [{ custom: 'four-eyes' }]])(
    '%j without a workflow service is dead-lettered once with unsupported_workflow, not retried',
    async (workflow_type) => {
      const t = setup({ requestApproval: undefined });
      const actions = await t.handle(modelDeploymentEvent({ workflow_config: { workflow_type, approvers: ['a@x'] } }));
      expect(kinds(actions)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
      expect(published(actions, 'errors')[0]).toMatchObject({ error_type: 'workflow', details: { code: 'unsupported_workflow' } });
      expect(t.signed).toHaveLength(0);
      expect(t.rows.size).toBe(0); // not in the ledger: a replay from the DLQ once approvals exist is processed
    },
  );
});

describe('handleEvent: approval_sign', () => {
  const approvalEvent = (config: Record<string, unknown> = {}) =>
    modelDeploymentEvent({
      workflow_config: { workflow_type: 'approval_sign', approvers: ['alice', 'bob', 'carol'], quorum: 2, timeout: 7200, ...config },
    });

  it('starts one approval workflow under the event key, publishes pending_approval and acks; nothing is signed', async () => {
    const t = setup();
    const event = approvalEvent();
    const actions = await t.handle(event);
    expect(kinds(actions)).toEqual(['publish:status', 'ack']);
    expect(t.created).toHaveLength(1);
    expect(t.created[0]).toMatchObject({
      approvers: ['alice', 'bob', 'carol'],
      quorum: 2,
      expiresInSeconds: 7200,
      idempotencyKey: `pulsar:${event.event_id}`,
    });
    expect(t.created[0]!.evidencePackage).toMatchObject({ event_type: 'ai.model.deployment', timestamp_utc: event.timestamp });
    const [status] = published(actions, 'status') as NotaryStatusMessage[];
    expect(status).toMatchObject({
      event_id: event.event_id,
      workflow_id: '00000000-0000-4000-a000-000000000001',
      status: 'pending_approval',
      trace_id: event.trace_id,
      progress: { current_step: 'approval', total_steps: 2, completed_steps: 0 },
    });
    expect(t.rows.get(String(event.event_id))).toMatchObject({ workflowType: 'approval_sign', workflowId: status!.workflow_id });
    expect(t.signed).toHaveLength(0);
  });

  it('AFDP defaults: no quorum means every approver, no timeout means the notary default', async () => {
    const t = setup();
    await t.handle(
      modelDeploymentEvent({
        workflow_config: { workflow_type: 'approval_sign', approvers: ['alice'], timeout: null, retry_config: {}, notifications: {} },
      }),
    );
    expect(t.created[0]).toMatchObject({ approvers: ['alice'], quorum: undefined, expiresInSeconds: undefined });
  });

  it.each([
    ['missing approvers', { approvers: undefined }, 'event.workflow_config.approvers'],
    ['no approvers', { approvers: [] }, 'event.workflow_config.approvers'],
    ['a blank approver', { approvers: ['alice', ' '] }, 'event.workflow_config.approvers[1]'],
    ['a repeated approver (the core refuses it)', { approvers: ['alice', 'alice'], quorum: 1 }, 'event.workflow_config.approvers'],
    ['a quorum above the approvers', { quorum: 4 }, 'event.workflow_config.quorum'],
    ['a zero timeout', { timeout: 0 }, 'event.workflow_config.timeout'],
  ])('%s goes straight to the DLQ with a validation NotaryError, no workflow', async (_name, config, field) => {
    const t = setup();
    const actions = await t.handle(approvalEvent(config));
    expect(kinds(actions)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    expect(published(actions, 'errors')[0]).toMatchObject({ error_type: 'validation', details: { field } });
    expect(t.created).toHaveLength(0);
    expect(t.rows.size).toBe(0);
  });

  it('a redelivery re-publishes the stored status and starts no second workflow', async () => {
    const t = setup();
    const event = approvalEvent();
    const first = await t.handle(event);
    expect(await t.handle(event, 1)).toEqual(first);
    expect(t.created).toHaveLength(1);
  });

  it('a crash between starting the workflow and the ledger: the redelivery finds the same workflow by its key', async () => {
    const t = setup();
    const event = approvalEvent();
    t.failures.push(new NotaryError('unavailable', 'db down')); // the ledger's record fails once
    expect(kinds(await t.handle(event, 0))).toEqual(['publish:errors', 'nack']);
    const second = await t.handle(event, 1);
    expect(kinds(second)).toEqual(['publish:status', 'ack']);
    expect(t.created).toHaveLength(1);
    expect((published(second, 'status')[0] as NotaryStatusMessage).workflow_id).toBe('00000000-0000-4000-a000-000000000001');
  });

  it('a transient workflow-store failure is nacked and retried', async () => {
    const t = setup();
    t.approvalFailures.push(new NotaryError('unavailable', 'workflow store createApproval failed'));
    const event = approvalEvent();
    expect(kinds(await t.handle(event, 0))).toEqual(['publish:errors', 'nack']);
    expect(kinds(await t.handle(event, 1))).toEqual(['publish:status', 'ack']);
    expect(t.created).toHaveLength(1);
  });

  it('the same event_id under another workflow type is refused (idempotency_mismatch), not re-published', async () => {
    const t = setup();
    const event = approvalEvent();
    await t.handle(event);
    const actions = await t.handle({ ...event, workflow_config: { workflow_type: 'simple_sign' } });
    expect(kinds(actions)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    expect((published(actions, 'errors')[0] as NotaryErrorMessage).details.code).toBe('idempotency_mismatch');
    expect(t.signed).toHaveLength(0);
  });
});

describe('handleEvent: poison messages and transient failures', () => {
  it.each([
    ['not JSON', '{oops', 'message'],
    ['not an object', '[1,2]', 'event'],
    ['an unknown field', JSON.stringify(modelDeploymentEvent({ surprise: 1 })), 'event.surprise'],
    ['an unknown event_type', JSON.stringify(modelDeploymentEvent({ event_type: { model_training: {} } })), 'event.event_type'],
    [
      'a variant missing its fields',
      JSON.stringify(modelDeploymentEvent({ event_type: { inference: { model_id: 'm' } } })),
      'event.event_type.inference.request_id',
    ],
    ['an artifact without a hash', JSON.stringify(modelDeploymentEvent({ artifacts: [{ name: 'a' }] })), 'event.artifacts[0].hash_sha256'],
    ['a bad timestamp', JSON.stringify(modelDeploymentEvent({ timestamp: 'yesterday' })), 'event.timestamp'],
    [
      'the reserved metadata key',
      JSON.stringify(modelDeploymentEvent({ metadata: { pipeline_event: 1 } })),
      'event.metadata.pipeline_event',
    ],
    ['a duplicate name', JSON.stringify(modelDeploymentEvent()).replace('"metadata":{', '"metadata":{"k":"a","k":"b",'), '/metadata/k'],
    ['a lone surrogate', JSON.stringify(modelDeploymentEvent()).replace('"metadata":{', '"metadata":{"s":"\\ud800",'), '/metadata/s'],
    [
      'an integer beyond 2^53-1',
      JSON.stringify(modelDeploymentEvent()).replace('"metadata":{', '"metadata":{"n":9007199254740993,'),
      '/metadata/n',
    ],
    ['NUL in event_id', JSON.stringify(modelDeploymentEvent({ event_id: 'evt\u0000x' })), 'event.event_id'],
    ['a date the store cannot hold', JSON.stringify(modelDeploymentEvent({ timestamp: '2024-02-30T10:00:00Z' })), 'event.timestamp'],
  ])('%s goes straight to the DLQ with a validation NotaryError', async (_name, body, field) => {
    const t = setup();
    const actions = await t.handle(body, 0, { event_id: 'from-props', trace_id: 't-1' });
    expect(kinds(actions)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    const [error] = published(actions, 'errors') as NotaryErrorMessage[];
    expect(error).toMatchObject({
      error_type: 'validation',
      details: { field, dead_lettered: true, message_id: '7:1:-1' },
      stack_trace: null,
      retry_count: 0,
    });
    if (body.startsWith('{oops') || body.startsWith('[')) expect(error!.event_id).toBe('from-props');
    const dlq = actions.find((a) => a.kind === 'dlq');
    expect(dlq?.kind === 'dlq' && dlq.data.toString()).toBe(body); // the original bytes, for inspection or replay
    expect(dlq?.kind === 'dlq' && dlq.properties).toMatchObject({
      event_id: 'from-props',
      trace_id: 't-1',
      afdp_error_field: field,
      afdp_deliveries: '1',
    });
    expect(t.signed).toHaveLength(0);
  });

  it('a transient failure publishes a NotaryError and nacks with exponential backoff; signing stays exactly once', async () => {
    const t = setup();
    const event = modelDeploymentEvent();
    t.failures.push(new NotaryError('unavailable', 'vault sealed'));
    const first = await t.handle(event, 0);
    expect(kinds(first)).toEqual(['publish:errors', 'nack']);
    expect(first[1]).toEqual({ kind: 'nack', delayMs: 750 }); // base 1000, equal jitter at random 0.5
    expect(published(first, 'errors')[0]).toMatchObject({ error_type: 'network', details: { code: 'unavailable', will_retry: true } });
    t.failures.push(new NotaryError('unavailable', 'vault sealed'));
    expect((await t.handle(event, 1))[1]).toEqual({ kind: 'nack', delayMs: 1500 });
    expect(kinds(await t.handle(event, 2))).toEqual(['publish:results', 'publish:status', 'ack']);
    expect(t.signed).toHaveLength(1);
  });

  it('the ledger failing after the evidence is stored: redelivery replays the signature, never signs twice', async () => {
    const t = setup();
    const event = modelDeploymentEvent();
    const l = t.deps.ledger;
    let failOnce = true;
    t.deps.ledger = {
      find: l.find,
      record: async (e) => {
        if (failOnce) {
          failOnce = false;
          throw new NotaryError('unavailable', 'db down');
        }
        return l.record(e);
      },
    };
    expect(kinds(await t.handle(event, 0))).toEqual(['publish:errors', 'nack']);
    const second = await t.handle(event, 1);
    expect(kinds(second)).toEqual(['publish:results', 'publish:status', 'ack']);
    expect(t.signed).toHaveLength(1);
    expect((published(second, 'results')[0] as NotaryResultMessage).workflow_id).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('after maxDeliveries transient failures the message is dead-lettered with the last error', async () => {
    const t = setup({ maxDeliveries: 3 });
    const event = modelDeploymentEvent();
    for (let i = 0; i < 3; i++) t.failures.push(new NotaryError('deadline_exceeded', 'signer timed out'));
    expect(kinds(await t.handle(event, 0))).toContain('nack');
    expect(kinds(await t.handle(event, 1))).toContain('nack');
    const last = await t.handle(event, 2);
    expect(kinds(last)).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    expect(published(last, 'errors')[0]).toMatchObject({
      error_type: 'timeout',
      retry_count: 2,
      details: { deliveries: 3, dead_lettered: true },
    });
  });

  it('unknown errors are retried (masked); conflict (same key in progress elsewhere) is retried too', async () => {
    const t = setup();
    t.failures.push(new Error('socket hang up with secret://token'), new NotaryError('conflict', 'still in progress'));
    const a = await t.handle(modelDeploymentEvent(), 0);
    expect(kinds(a)).toEqual(['publish:errors', 'nack']);
    expect((published(a, 'errors')[0] as NotaryErrorMessage).message).toBe('internal error');
    expect(kinds(await t.handle(modelDeploymentEvent(), 0))).toEqual(['publish:errors', 'nack']);
  });

  it('a message delivered more than maxDeliveries times without an outcome is dead-lettered unprocessed; one with an outcome is re-published', async () => {
    const t = setup({ maxDeliveries: 2 });
    expect(kinds(await t.handle(modelDeploymentEvent(), 2))).toEqual(['publish:errors', 'publish:status', 'dlq', 'ack']);
    const done = modelDeploymentEvent();
    await t.handle(done, 0);
    expect(kinds(await t.handle(done, 7))).toEqual(['publish:results', 'publish:status', 'ack']);
    expect(t.signed).toHaveLength(1);
  });
});
