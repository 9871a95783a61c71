/**
 * Logs safe for PHI (issue 22): a unique marker signed inside an evidence package never reaches a
 * log line at any level, on every door (REST, gRPC, Pulsar) and on every failure path (validation
 * refusals, unparseable bodies, driver errors that quote the input), while authorized readers
 * still get it back. NOTARY_LOG_REDACT adds the operator's own paths.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotary, toProtoPackage } from '../../src/api/grpc/index.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { embeddedQuery } from '../support/embedded-server.js';
import { openMigrated, seededDataDir, tempDir } from '../support/databases.js';
import { FakePulsarBroker } from '../support/fake-pulsar.js';
import { modelDeploymentEvent } from '../../examples/publish-event.js';
import { PgEventLedger, resolvePulsarConfig, startPulsarConsumer } from '../../src/adapters/events/index.js';
import { LocalKeyringSigner } from '../../src/adapters/signer/local/index.js';
import { PgEvidenceStore } from '../../src/adapters/store/pg-evidence-store.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Notary } from '../../src/core/notary.js';

import { uniquePackage } from '../support/records.js';
import { startService, waitReady, type ServiceProcess } from '../support/service-process.js';

const MARKER = `phi-marker-${randomBytes(8).toString('hex')}`;
/** a package with the marker where PHI would sit: metadata, an artifact name, the actor */
const withMarker = (n: string) => {
  const pkg = uniquePackage(`phi-${n}`) as unknown as Record<string, unknown> & { metadata: Record<string, unknown> };
  pkg.metadata = { ...pkg.metadata, patient: { name: MARKER, mrn: `${MARKER}-mrn` } };
  return pkg;
};
type Answer = { status: number; body: string };

async function post(url: string, body: string, type = 'application/json'): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, body: await res.text() };
}

describe('no evidence content in any log line (service process at LOG_LEVEL=trace)', () => {
  let service: ServiceProcess;
  let dataDir: string;
  const answers: Record<string, Answer> = {};
  let signedHash = '';

  beforeAll(async () => {
    dataDir = seededDataDir();
    service = await startService({
      NOTARY_DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      NOTARY_REQUEST_LOG_LEVEL: 'trace',
      NOTARY_LOG_FORMAT: 'json',
      NOTARY_MAX_BODY_BYTES: '65536',
    });
    await waitReady(service);
    const api = `${service.url}/api/v1/evidence`;
    const ok = await post(`${api}/sign`, JSON.stringify({ evidence_package: withMarker('rest') }));
    answers.sign = ok;
    signedHash = (JSON.parse(ok.body) as { receipt: { evidence_package_hash: string } }).receipt.evidence_package_hash;
    answers.batch = await post(`${api}/sign/batch`, JSON.stringify({ evidence_packages: [withMarker('b1'), withMarker('b2')] }));
    answers.validate = await post(`${api}/validate`, JSON.stringify({ evidence_package: withMarker('v'), signature: 'AAAA' }));
    // refusals: the marker as the faulty value itself, and next to a faulty value
    answers.badTime = await post(`${api}/sign`, JSON.stringify({ evidence_package: { ...withMarker('t'), timestamp_utc: MARKER } }));
    answers.badType = await post(`${api}/sign`, JSON.stringify({ evidence_package: { ...withMarker('e'), event_type: { x: MARKER } } }));
    answers.notJson = await post(`${api}/sign`, `{"evidence_package": {"metadata": {"name": "${MARKER}"}, }`);
    answers.duplicate = await post(`${api}/sign`, `{"evidence_package": {"metadata": {"name": "${MARKER}", "name": "${MARKER}2"}}}`);
    answers.loneSurrogate = await post(`${api}/sign`, `{"evidence_package": {"metadata": {"name": "${MARKER}\\ud800"}}}`);
    answers.tooLarge = await post(`${api}/sign`, JSON.stringify({ evidence_package: { ...withMarker('big'), pad: MARKER.repeat(4000) } }));
    answers.textPlain = await post(`${api}/sign`, MARKER, 'text/plain');
    answers.unknownRoute = await fetch(`${service.url}/no/such/route?q=${MARKER}`).then(async (r) => ({
      status: r.status,
      body: await r.text(),
    }));
    answers.read = await fetch(`${api}/${signedHash}`).then(async (r) => ({ status: r.status, body: await r.text() }));
    answers.query = await fetch(`${api}?actor_id=${MARKER}`).then(async (r) => ({ status: r.status, body: await r.text() }));

    const client = connectNotary(`127.0.0.1:${service.grpcPort}`);
    try {
      await client.unary('SignEvidence', { evidence_package: toProtoPackage(withMarker('grpc') as never) });
      const bad = toProtoPackage({ ...withMarker('grpc-bad'), event_type: '', actor: { actor_type: 'human_user', id: MARKER } } as never);
      answers.grpcBad = await client.unary('SignEvidence', { evidence_package: bad }).then(
        () => ({ status: 0, body: '' }),
        (err: { code: number; details: string }) => ({ status: err.code, body: err.details }),
      );
    } finally {
      client.close();
    }
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('answers each call as before: the reader gets the marker back, refusals are 4xx problems', () => {
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
      sign: 200,
      batch: 200,
      validate: 200,
      badTime: 422,
      badType: 422,
      notJson: 400,
      duplicate: 400,
      loneSurrogate: 422,
      tooLarge: 413,
      textPlain: 415,
      unknownRoute: 404,
      read: 200,
      query: 200,
      grpcBad: 3,
    });
    expect(answers.read!.body).toContain(MARKER);
  });

  it('problem bodies name the field, never echo the evidence value', () => {
    for (const k of ['badTime', 'badType', 'notJson', 'duplicate', 'loneSurrogate', 'tooLarge', 'textPlain', 'unknownRoute', 'grpcBad']) {
      expect(answers[k]!.body, k).not.toContain(MARKER);
    }
    expect(JSON.parse(answers.badTime!.body)).toMatchObject({ code: 'validation_failed', field: 'evidence_package.timestamp_utc' });
  });

  it('writes request lines at trace, yet no line holds the marker', async () => {
    await service.stop();
    const lines = service.output().split('\n').filter(Boolean);
    const requests = lines.filter((l) => l.includes('"msg":"request"'));
    expect(requests.length).toBeGreaterThanOrEqual(14);
    expect(
      lines.filter((l) => l.includes('"level":10') || l.includes('"level":20')).length,
      'trace/debug lines were written',
    ).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(MARKER))).toEqual([]);
  });
});

describe('errors that quote their input', () => {
  it('a real PostgreSQL error quoting the marker is logged without it; other fields keep their value', async () => {
    const dataDir = seededDataDir();
    const service = await startService({ NOTARY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    let pgError: Error | undefined;
    try {
      await waitReady(service);
      await embeddedQuery(dataDir, 'SELECT $1::timestamptz', [MARKER]).catch((e: Error) => {
        pgError = e;
      });
    } finally {
      await service.stop();
    }
    expect(pgError).toBeInstanceOf(Error);
    expect(`${pgError!.message} ${(pgError as { detail?: string }).detail}`).toContain(MARKER);
    const lines: string[] = [];
    const logger = createLogger(
      'trace',
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const parse = new Error('wrapped', {
      cause: (() => {
        try {
          JSON.parse(`{"a": ${MARKER}`);
        } catch (e) {
          return e;
        }
      })(),
    });
    logger.error({ err: pgError, workflowId: 'w-1' }, 'store failed');
    logger.error(parse, 'parse failed');
    logger.warn({ err: new AggregateError([pgError], `batch of "${MARKER}"`) }, 'aggregate');
    logger.debug({ evidence_package: { metadata: MARKER }, request: { body: MARKER }, event: { metadata: { x: MARKER } } }, 'objects');
    expect(lines.join('')).not.toContain(MARKER);
    const first = JSON.parse(lines[0]!) as { err: Record<string, unknown>; workflowId: string };
    expect(first.workflowId).toBe('w-1');
    expect(first.err).toMatchObject({ type: 'DatabaseError', code: '22007' });
    expect(first.err.stack).toMatch(/\n\s+at /);
    expect(first.err).not.toHaveProperty('detail');
  }, 120_000);
});

describe('NOTARY_LOG_REDACT', () => {
  it("censors the operator's paths and refuses what is not a redact path", () => {
    const config = loadConfig({ NOTARY_LOG_REDACT: 'patient.*, *.ssn ,req.headers["x-patient-id"]' });
    expect(config.logRedact).toEqual(['patient.*', '*.ssn', 'req.headers["x-patient-id"]']);
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
      'json',
      config.logRedact,
    );
    logger.info({ patient: { name: MARKER }, visit: { ssn: MARKER, ward: 'B' }, req: { headers: { 'x-patient-id': MARKER } } }, 'custom');
    expect(lines.join('')).not.toContain(MARKER);
    expect(JSON.parse(lines[0]!)).toMatchObject({ visit: { ssn: '[redacted]', ward: 'B' } });
    for (const bad of ['a..b', 'a b', '.a', 'a["x]', 'x'.repeat(201)]) {
      let caught: unknown;
      try {
        loadConfig({ NOTARY_LOG_REDACT: bad });
      } catch (e) {
        caught = e;
      }
      expect(caught, bad).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe('NOTARY_LOG_REDACT');
    }
  });
});

describe('the Pulsar door at LOG_LEVEL=trace (real core and store behind the loopback broker)', () => {
  it('events with the marker, a poison one, a driver error quoting it and a failed publish: no line holds it', async () => {
    const db = await openMigrated();
    const lines: string[] = [];
    const logger = createLogger(
      'trace',
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const log = await EmbeddedLog.open({
      db,
      key: await loadOrCreateLogKey(db, randomBytes(32)),
      origin: 'test/log',
      url: 'http://log.test',
    });
    const store = new PgEvidenceStore(db);
    const notary = new Notary({
      signer: new LocalKeyringSigner({ dir: tempDir() }),
      log,
      store,
      logger,
      limits: DEFAULT_LIMITS,
      clock: { now: () => new Date() },
      ids: { next: randomUUID },
    });
    // the first notarization fails with PostgreSQL's own error, which quotes the marker
    const quoting = await db.query('SELECT $1::timestamptz', [MARKER]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(quoting?.message).toContain(MARKER);
    let failures = 1;
    const port = {
      prepare: notary.prepare.bind(notary),
      notarizePrepared: async (...args: Parameters<Notary['notarizePrepared']>) => {
        if (failures-- > 0) throw quoting;
        return notary.notarizePrepared(...args);
      },
    };
    const broker = new FakePulsarBroker();
    const config = resolvePulsarConfig({
      serviceUrl: 'pulsar://fake',
      nackRedeliverMs: 10,
      backoff: { baseMs: 10, maxMs: 40 },
      receivePollMs: 10,
    });
    const handle = await startPulsarConsumer({
      config,
      notary: port,
      ledger: new PgEventLedger(db),
      logger,
      clientFactory: async () => broker.client(),
    });
    try {
      broker.failSends(config.topics.status, 1);
      const events = [1, 2].map(() =>
        modelDeploymentEvent({ metadata: { patient: MARKER }, actor: { actor_type: 'human_user', id: MARKER } }),
      );
      for (const e of events) broker.publish(config.topics.events, Buffer.from(JSON.stringify(e)), { event_id: String(e.event_id) });
      broker.publish(config.topics.events, Buffer.from(`{"event_id": "${MARKER}", "metadata": {"x": "${MARKER}"`), { event_id: 'poison' });
      broker.publish(config.topics.events, Buffer.from(JSON.stringify({ ...modelDeploymentEvent(), timestamp: MARKER })), {
        event_id: 'bad-time',
      });
      const results = () => broker.messages(config.topics.results).length;
      for (const deadline = Date.now() + 30_000; results() < 2 || broker.unacknowledged(config.topics.events, config.subscription) > 0;) {
        if (Date.now() > deadline) throw new Error(`not settled: ${results()} results`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await handle.stop(0);
      await db.close();
    }
    expect(broker.messages(config.topics.dlq).length).toBe(2);
    expect(
      lines.some((l) => l.includes('not settled')),
      'the failed publish was logged',
    ).toBe(true);
    expect(lines.filter((l) => l.includes(MARKER))).toEqual([]);
  }, 120_000);
});
