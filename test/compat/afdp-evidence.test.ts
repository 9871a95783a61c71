/**
 * AFDP's evidence as AFDP accepts it: its ten sample files (timestamp renamed as its own DTO needs,
 * artifact hashes untouched), its integration test's bodies (`artifacts: []`), its documented
 * example (`hash_sha256: "abc123def456..."`) — all signed over REST, gRPC and Pulsar, exactly as
 * sent, with what AFDP's shape does not describe named in `warnings`.
 */
import { createHash, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePulsarBroker } from '../support/fake-pulsar.js';
import { PgEventLedger, resolvePulsarConfig, startPulsarConsumer, type PulsarConsumerHandle } from '../../src/adapters/events/index.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { connectNotary, rfc3339ToTimestamp, toProtoPackage, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { openGrpcDoor, type ListeningDoor } from '../support/grpc-app.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import type { EvidencePackage } from '../../src/core/evidence.js';
import { afdpText, asEvidencePackage, integrationTestBodies, sampleEvidenceFiles } from '../support/afdp.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openMigrated } from '../support/databases.js';
import { loadDocument, schemaValidator } from '../support/openapi.js';
import { fixtures } from '../support/records.js';

type Json = Record<string, any>;
const samples = Object.entries(sampleEvidenceFiles()).map(([name, s]) => [name, asEvidencePackage(s)] as const);
const hashOf = (pkg: unknown) => createHash('sha256').update(canonicalize(pkg)!).digest('hex');
const oddHashes = (pkg: Json) => (pkg.artifacts as Json[]).filter((a) => !/^[0-9a-f]{64}$/.test(a.hash_sha256)).length;

/** docs/rest-api.md's first request example (the sign request), as documented. */
function documentedSignRequest(): Json {
  const block = /POST \/api\/v1\/evidence\/sign\nContent-Type: application\/json\n\n(\{[\s\S]*?\n\})\n```/.exec(
    afdpText('docs/rest-api.md'),
  );
  return JSON.parse(block![1]!) as Json;
}

describe("AFDP's evidence, signed as AFDP accepts it", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());
  const sign = async (body: unknown) => {
    const res = await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: body as object });
    return { status: res.statusCode, body: res.json() as Json };
  };

  it('signs all ten AFDP sample files over REST, hashes as given, naming odd hashes in warnings', async () => {
    expect(samples).toHaveLength(10);
    expect(samples.filter(([, p]) => oddHashes(p) > 0)).toHaveLength(6); // the six the strict rule refused
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    for (const [name, pkg] of samples) {
      const { status, body } = await sign({ evidence_package: pkg });
      expect(status, name).toBe(200);
      expect(body.receipt.evidence_package_hash, name).toBe(hashOf(pkg));
      expect(body.warnings, name).toHaveLength(oddHashes(pkg));
      const key = trust.signing_keys.find((k: Json) => k.version === body.receipt.key_version);
      expect(
        verify('sha256', Buffer.from(canonicalize(pkg)!), key.public_key_pem, Buffer.from(body.receipt.signature_b64, 'base64')),
        name,
      ).toBe(true);
      const stored = (await app.rest.inject(`/api/v1/evidence/${body.receipt.evidence_package_hash}`)).json();
      expect(stored.evidence_package, name).toEqual(pkg);
    }
  });

  it("signs the bodies of AFDP's REST integration test (empty artifacts) with AFDP's statuses and shapes", async () => {
    const [signReq, approvalReq, batchReq, validateReq] = integrationTestBodies();
    const signed = await sign(signReq);
    expect([signed.status, signed.body.status, signed.body.warnings]).toEqual([200, 'completed', []]);
    const approval = await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign/approval', payload: approvalReq! });
    expect([approval.statusCode, approval.json().status, approval.json().approval_statuses.length]).toEqual([200, 'pending', 2]);
    const batch = await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign/batch', payload: batchReq! });
    expect(batch.statusCode).toBe(200);
    expect(batch.json().results.map((r: Json) => r.status)).toEqual(['completed', 'completed']);
    // AFDP's test validates an unsigned package against "mock-signature": answered, not refused
    const verdict = await app.rest.inject({ method: 'POST', url: '/api/v1/evidence/validate', payload: validateReq! });
    expect([verdict.statusCode, verdict.json().is_valid]).toEqual([200, false]);
  });

  it('signs AFDP\'s documented example with its "abc123def456..." hash, and keeps unknown fields signed', async () => {
    const { status, body } = await sign(documentedSignRequest());
    expect(status).toBe(200);
    expect(body.warnings).toEqual([
      'evidence_package.artifacts[0].hash_sha256: not 64 lowercase hex characters (a SHA-256); signed as given',
    ]);

    const pkg: Json = { ...fixtures()['gpt-4-finetune-evidence.json'], event_type: 'deploy', build: { id: 'b-7', runner: 'gha' } };
    pkg.actor = { ...pkg.actor, team: 'ml-platform' };
    const signed = await sign({ evidence_package: pkg });
    expect(signed.body.warnings).toEqual([
      "evidence_package.build: not a field of AFDP's evidence package; signed as given",
      "evidence_package.actor.team: not a field of AFDP's evidence package; signed as given",
    ]);
    expect(signed.body.receipt.evidence_package_hash).toBe(hashOf(pkg)); // the unknown fields are in the signed bytes
    const stored = (await app.rest.inject(`/api/v1/evidence/${signed.body.receipt.evidence_package_hash}`)).json();
    expect(stored.evidence_package).toEqual(pkg);
    const verdict = (
      await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/validate',
        payload: { evidence_package: pkg, receipt: signed.body.receipt },
      })
    ).json();
    expect(verdict.is_valid).toBe(true);
    expect(verdict.validation_result.warnings).toEqual(signed.body.warnings);
    // dropping the unknown field is a different package: the signature does not cover it
    const { build: _, ...without } = pkg;
    expect(
      (
        await app.rest.inject({
          method: 'POST',
          url: '/api/v1/evidence/validate',
          payload: { evidence_package: without, receipt: signed.body.receipt },
        })
      ).json().is_valid,
    ).toBe(false);
  });

  it("names each batch item's warnings, and an approval request's", async () => {
    const [, odd] = samples.find(([, p]) => oddHashes(p) > 0)!;
    const batch = (
      await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/sign/batch',
        payload: { evidence_packages: [fixtures()['gpt-4-finetune-evidence.json'], { ...odd, metadata: { n: 2 } }] },
      })
    ).json();
    expect(batch.results.map((r: Json) => r.warnings.length)).toEqual([0, oddHashes(odd)]);
    const approval = (
      await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/sign/approval',
        payload: { evidence_package: { ...odd, metadata: { n: 3 } }, approvers: ['a'] },
      })
    ).json();
    expect(approval.warnings).toHaveLength(oddHashes(odd));
  });

  it('documents the package as the core checks it: the OpenAPI schema and the core agree on every case', async () => {
    const doc = await loadDocument(app.rest);
    const check = schemaValidator(doc);
    const schema = { $ref: '#/components/schemas/EvidencePackage' };
    const base = fixtures()['gpt-4-finetune-evidence.json'] as Json;
    const corpus: [string, unknown][] = [
      ...samples.map(([n, p]) => [n, p] as [string, unknown]),
      ...Object.entries(fixtures()),
      ...(integrationTestBodies().flatMap((b, i) =>
        b.evidence_package
          ? [[`integration ${i}`, b.evidence_package]]
          : (b.evidence_packages as unknown[]).map((p, j) => [`integration ${i}.${j}`, p]),
      ) as [string, unknown][]),
      ['documented', documentedSignRequest().evidence_package],
      ['no spec_version', { ...base, spec_version: undefined }],
      ['spec_version v1', { ...base, spec_version: 'v1' }],
      ['bad timestamp', { ...base, timestamp_utc: 'yesterday' }],
      ['impossible date', { ...base, timestamp_utc: '2024-13-45T10:00:00Z' }],
      ['no actor id', { ...base, actor: { actor_type: 'x' } }],
      ['empty event_type', { ...base, event_type: '' }],
      ['artifact without name', { ...base, artifacts: [{ hash_sha256: 'a'.repeat(64) }] }],
      ['empty hash', { ...base, artifacts: [{ name: 'a', hash_sha256: '' }] }],
      ['metadata a list', { ...base, metadata: [1] }],
      ['unknown fields', { ...base, extra: { x: 1 }, actor: { ...base.actor, more: true } }],
    ];
    for (const [name, pkg] of corpus) {
      let core = 'accepted';
      try {
        prepareEvidence(JSON.parse(JSON.stringify(pkg)), app.config.limits);
      } catch (err) {
        core = `refused: ${(err as Error).message}`;
      }
      const documented = check(schema, JSON.parse(JSON.stringify(pkg))).length === 0 ? 'accepted' : 'refused';
      expect(`${name}: ${documented}`).toBe(`${name}: ${core.startsWith('accepted') ? 'accepted' : 'refused'}`);
    }
  });
});

describe("AFDP's sample files over gRPC and Pulsar, and the strict setting", () => {
  let app: TestApp;
  let server: ListeningDoor;
  let client: NotaryGrpcClient;
  let db: SqlClient;
  let consumer: PulsarConsumerHandle;
  const broker = new FakePulsarBroker();
  const config = resolvePulsarConfig({ serviceUrl: 'pulsar://fake', receivePollMs: 10 });
  beforeAll(async () => {
    app = await startTestApp();
    server = await openGrpcDoor(app);
    client = connectNotary(`127.0.0.1:${server.port}`);
    db = await openMigrated();
    consumer = await startPulsarConsumer({
      config,
      notary: app.notary,
      ledger: new PgEventLedger(db),
      logger: pino({ level: 'silent' }),
      clientFactory: async () => broker.client(),
    });
  });
  afterAll(async () => {
    await consumer?.stop(0);
    client?.close();
    await server?.close(1000);
    await db?.close();
    await app?.close();
  });

  it('signs every sample over gRPC with the REST hash, warnings included', async () => {
    for (const [name, pkg] of samples) {
      const msg = {
        ...toProtoPackage(pkg as unknown as EvidencePackage),
        timestamp_utc: undefined,
        timestamp_utc_rfc3339: pkg.timestamp_utc as string,
      };
      const res = await client.unary('SignEvidence', { evidence_package: msg });
      expect(res.status, name).toBe('WORKFLOW_STATUS_COMPLETED');
      expect(res.receipt.evidence_package_hash, name).toBe(hashOf(pkg));
      expect(res.warnings, name).toHaveLength(oddHashes(pkg));
      expect(rfc3339ToTimestamp(pkg.timestamp_utc as string)).toBeDefined();
    }
  });

  it("signs every sample sent as an AFDP PipelineEvent over Pulsar, warnings in the result's metadata", async () => {
    for (const [i, [name, sample]] of Object.entries(sampleEvidenceFiles()).entries()) {
      const event = {
        event_id: `sample-${i}`,
        event_type: { custom: String(sample.event_type) },
        timestamp: sample.timestamp,
        source: 'afdp-sample-data',
        actor: sample.actor,
        artifacts: sample.artifacts,
        metadata: sample.metadata,
        priority: 'normal',
        workflow_config: { workflow_type: 'simple_sign' },
      };
      broker.publish(config.topics.events, Buffer.from(JSON.stringify(event)), { event_id: event.event_id });
      for (const deadline = Date.now() + 20_000; broker.unacknowledged(config.topics.events, config.subscription) > 0;) {
        if (Date.now() > deadline) throw new Error(`${name}: not acknowledged`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const result = broker
        .messages(config.topics.results)
        .map((m) => JSON.parse(m.data.toString()) as Json)
        .find((r) => r.event_id === event.event_id);
      expect(result?.success, name).toBe(true);
      expect(result!.metadata.warnings ?? [], name).toHaveLength(oddHashes(asEvidencePackage(sample)));
    }
    expect(broker.messages(config.topics.errors)).toEqual([]);
  });

  it('refuses odd artifact hashes with NOTARY_STRICT_ARTIFACT_HASHES=true (422 naming the field)', async () => {
    const strict = await startTestApp({ NOTARY_STRICT_ARTIFACT_HASHES: 'true' });
    try {
      const [, odd] = samples.find(([, p]) => oddHashes(p) > 0)!;
      const res = await strict.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: { evidence_package: odd } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'validation_failed',
        field: expect.stringMatching(/^evidence_package\.artifacts\[\d+\]\.hash_sha256$/),
      });
      const [, good] = samples.find(([, p]) => oddHashes(p) === 0)!;
      expect(
        (await strict.rest.inject({ method: 'POST', url: '/api/v1/evidence/sign', payload: { evidence_package: good } })).statusCode,
      ).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
