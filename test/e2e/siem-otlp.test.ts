/**
 * Audit to a SIEM over OTLP logs (issue 22): every committed audit event reaches an OTLP/HTTP logs
 * receiver (loopback, the OTLP JSON encoding) across a SIGKILL of the service and a collector outage
 * (503s), with its chain fields as attributes, re-hashing to the stored hash.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashRecord, type AuditRecord } from '../../src/adapters/audit/chain.js';
import { seededDataDir } from '../support/databases.js';
import { embeddedQuery } from '../support/embedded-server.js';
import { startOtlpLogsReceiver } from '../support/otlp-logs-receiver.js';
import { startLoad, startService, waitReady, type ServiceProcess } from '../support/service-process.js';

describe('audit events streamed as OTLP logs', () => {
  let service: ServiceProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startOtlpLogsReceiver>> | undefined;
  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('every committed event arrives across a SIGKILL and a collector outage; attributes carry the chain', async () => {
    receiver = await startOtlpLogsReceiver();
    const dataDir = seededDataDir();
    const env = {
      NOTARY_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NOTARY_REQUEST_LOG_LEVEL: 'silent',
      NOTARY_SIEM_OTLP_LOGS_URL: receiver.url,
      NOTARY_SIEM_HOSTNAME: 'notary-test',
      NOTARY_SIEM_POLL_MS: '50',
      NOTARY_SIEM_RETRY_MS: '200',
      NOTARY_SIEM_LEASE_MS: '1500',
    };
    for (const phase of ['outage-then-sigkill', 'after']) {
      service = await startService(env);
      await waitReady(service);
      const s = service;
      const load = startLoad(() => s.url, 4, phase);
      try {
        await load.acknowledgedMore(20);
        if (phase === 'outage-then-sigkill') {
          receiver.state.unavailable = true;
          await load.acknowledgedMore(20);
          s.kill('SIGKILL');
          await s.exited;
          receiver.state.unavailable = false;
        }
      } finally {
        await load.stop();
      }
    }
    expect(receiver.state.refused).toBeGreaterThan(0);
    const stored = await embeddedQuery<{ seq: string; hash: string }>(dataDir, 'SELECT seq::text, hash FROM audit_log ORDER BY seq');
    const seqs = () => new Set(receiver!.logs.map((l) => Number(l.attributes['audit.seq'])));
    for (const deadline = Date.now() + 60_000; !stored.every((r) => seqs().has(Number(r.seq)));) {
      if (Date.now() > deadline)
        throw new Error(
          `missing ${stored
            .filter((r) => !seqs().has(Number(r.seq)))
            .map((r) => r.seq)
            .slice(0, 10)
            .join(',')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    const byHash = new Map(stored.map((r) => [Number(r.seq), r.hash]));
    for (const log of receiver.logs) {
      const record = JSON.parse(log.body) as AuditRecord;
      if (!byHash.has(record.seq)) continue; // committed after the query
      expect(record.hash).toBe(byHash.get(record.seq));
      expect(hashRecord(record)).toBe(record.hash);
      expect(log.attributes).toMatchObject({
        'audit.seq': String(record.seq),
        'audit.hash': record.hash,
        'audit.prev_hash': record.prev_hash,
        'event.name': record.event,
      });
      expect(log.service).toBe('afdp-notary');
    }
  }, 240_000);
});
