/**
 * Publishes one AFDP PipelineEvent to the notary's events topic and waits for its NotaryResult.
 *
 *   npm install pulsar-client            # optional dependency: needs the Pulsar C++ client library
 *   PULSAR_SERVICE_URL=pulsar://localhost:6650 npx tsx examples/publish-event.ts
 *
 * Env: PULSAR_SERVICE_URL, PULSAR_TOKEN (optional), PULSAR_EVENTS_TOPIC, PULSAR_RESULTS_TOPIC.
 * The event builder is exported and used by the tests, so this example stays a valid event.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { fullTopicName, loadPulsarModule, PULSAR_DEFAULTS } from '../src/adapters/events/index.js';

/** A model_deployment event in AFDP's wire format (externally tagged event_type, snake_case). */
export function modelDeploymentEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `deploy-${randomUUID()}`,
    event_type: {
      model_deployment: {
        model_id: 'fraud-detection-v2',
        version: '2.1.0',
        environment: 'production',
        strategy: 'blue_green',
        previous_version: '2.0.3',
      },
    },
    timestamp: '2024-01-15T10:30:00Z',
    source: 'ci-cd-pipeline',
    actor: { actor_type: 'ci_system', id: 'jenkins-prod-001', auth_provider: 'github_oauth' },
    artifacts: [{ name: 'fraud_model.pkl', uri: 's3://ml-models/fraud_model.pkl', hash_sha256: randomBytes(32).toString('hex') }],
    metadata: { deployment_id: 'deploy-20240115-001', pipeline_run_id: 'run-456789', model_accuracy: 0.94 },
    trace_id: `trace-${randomUUID()}`,
    priority: 'high',
    workflow_config: { workflow_type: 'simple_sign' },
    ...overrides,
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const topic = (name: string, fallback: string) => fullTopicName(env[name] ?? fallback, PULSAR_DEFAULTS.tenant, PULSAR_DEFAULTS.namespace);
  const pulsar = await loadPulsarModule();
  const client = new pulsar.Client({
    serviceUrl: env.PULSAR_SERVICE_URL ?? 'pulsar://localhost:6650',
    authentication: env.PULSAR_TOKEN ? new pulsar.AuthenticationToken({ token: env.PULSAR_TOKEN }) : undefined,
  });
  // subscribe to results first, so the answer cannot slip past us
  const results = await client.subscribe({
    topic: topic('PULSAR_RESULTS_TOPIC', PULSAR_DEFAULTS.topics.results),
    subscription: `publish-event-${randomUUID()}`,
    subscriptionType: 'Exclusive',
  });
  const producer = await client.createProducer({ topic: topic('PULSAR_EVENTS_TOPIC', PULSAR_DEFAULTS.topics.events) });
  const event = modelDeploymentEvent();
  // event_id as a property lets the notary name the event even if the body cannot be parsed;
  // traceparent (W3C) would continue the producer's trace
  await producer.send({
    data: Buffer.from(JSON.stringify(event)),
    properties: { event_id: String(event.event_id), trace_id: String(event.trace_id) },
  });
  console.log(`published ${event.event_id}; waiting for its result…`);
  try {
    for (;;) {
      const msg = await results.receive(30_000);
      await results.acknowledge(msg);
      if (msg.getProperties().event_id !== event.event_id) continue;
      const result = JSON.parse(msg.getData().toString('utf8'));
      console.log(
        JSON.stringify({ workflow_id: result.workflow_id, evidence_package_hash: result.receipt?.evidence_package_hash }, null, 2),
      );
      break;
    }
  } finally {
    await producer.close();
    await results.close();
    await client.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
