/**
 * Audit to a SIEM (issue 22): every committed audit event reaches Debian's rsyslog over TLS
 * (RFC 5424 messages, RFC 5425 octet-counted frames) across a SIGKILL of the service, a graceful
 * restart and a SIGKILL of rsyslog itself — duplicates allowed, none missing — and each copy carries
 * its chain fields, so the SIEM copy re-hashes and links exactly like the database's chain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashRecord, GENESIS_HASH, type AuditRecord } from '../../src/adapters/audit/chain.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { makeTestPki } from '../support/certs.js';
import { seededDataDir } from '../support/databases.js';
import { embeddedQuery } from '../support/embedded-server.js';
import { startRsyslog, type Rsyslog } from '../support/rsyslog-server.js';
import { startLoad, startService, waitReady, type ServiceProcess } from '../support/service-process.js';

const pki = makeTestPki();

async function until(check: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check());) {
    if (Date.now() > deadline) throw new Error(`${what()} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('audit events streamed to rsyslog over TLS', () => {
  let rsyslog: Rsyslog | undefined;
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.stop();
    await rsyslog?.stop();
  });

  it('every committed event arrives across service SIGKILL, restart and a collector crash; copies re-hash and link', async () => {
    rsyslog = await startRsyslog(pki);
    const dataDir = seededDataDir();
    const env = {
      NOTARY_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NOTARY_REQUEST_LOG_LEVEL: 'silent',
      NOTARY_SIEM_SYSLOG_HOST: '127.0.0.1',
      NOTARY_SIEM_SYSLOG_PORT: String(rsyslog.port),
      NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert,
      NOTARY_SIEM_SYSLOG_SERVERNAME: 'localhost',
      NOTARY_SIEM_HOSTNAME: 'notary-test',
      NOTARY_SIEM_POLL_MS: '50',
      NOTARY_SIEM_RETRY_MS: '200',
      NOTARY_SIEM_LEASE_MS: '1500',
    };
    const run = async (phase: string, end: (s: ServiceProcess) => Promise<unknown>) => {
      service = await startService(env);
      await waitReady(service);
      const s = service;
      const load = startLoad(() => s.url, 4, phase);
      try {
        await load.acknowledgedMore(25);
        if (phase === 'collector-crash') {
          await rsyslog!.kill(); // bytes in flight die with it: the stream re-sends its connection's events
          await load.acknowledgedMore(10);
          await rsyslog!.restart();
        }
        await end(s); // while the load runs
      } finally {
        await load.stop();
      }
    };
    await run('sigkill', async (s) => {
      s.kill('SIGKILL');
      await s.exited;
    });
    await run('collector-crash', async (s) => {
      s.kill('SIGKILL');
      await s.exited;
    });
    await run('graceful', (s) => s.stop());
    service = await startService(env);
    await waitReady(service);
    await fetch(`${service.url}/api/v1/evidence/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    const stored = await embeddedQuery<{ seq: string; hash: string }>(dataDir, 'SELECT seq::text, hash FROM audit_log ORDER BY seq');
    const last = Number(stored.at(-1)!.seq);
    expect(last).toBeGreaterThan(90);
    const arrived = () =>
      new Set(
        rsyslog!
          .received()
          .map((r) => JSON.parse(r.msg.replace(/^\uFEFF/, '')) as AuditRecord)
          .map((r) => r.seq),
      );
    await until(
      () => {
        const got = arrived();
        return stored.every((r) => got.has(Number(r.seq)));
      },
      60_000,
      () =>
        `missing seqs ${stored
          .map((r) => Number(r.seq))
          .filter((s) => !arrived().has(s))
          .slice(0, 10)
          .join(',')}`,
    );

    // each copy is the stored row: same hash, re-hashes to it, links to its predecessor
    const copies = new Map<number, { record: AuditRecord; sd: string; msgid: string }>();
    for (const line of rsyslog.received()) {
      const record = JSON.parse(line.msg.replace(/^\uFEFF/, '')) as AuditRecord;
      const earlier = copies.get(record.seq);
      if (earlier) expect(earlier.record).toEqual(record); // a duplicate is the same event
      copies.set(record.seq, { record, sd: line.sd, msgid: line.msgid });
    }
    const hashes = new Map(stored.map((r) => [Number(r.seq), r.hash]));
    for (let seq = 1; seq <= last; seq++) {
      const { record, sd, msgid } = copies.get(seq)!;
      expect(record.hash).toBe(hashes.get(seq));
      expect(hashRecord(record)).toBe(record.hash);
      expect(record.prev_hash).toBe(seq === 1 ? GENESIS_HASH : copies.get(seq - 1)!.record.hash);
      expect(sd).toContain(`[afdp@32473 seq="${seq}" hash="${record.hash}" prev_hash="${record.prev_hash}"`);
      expect(msgid).toBe(record.event);
    }
    const upToLast = rsyslog.received().filter((r) => (JSON.parse(r.msg.replace(/^\uFEFF/, '')) as AuditRecord).seq <= last).length;
    console.log(`siem: ${last} audit events, ${upToLast} syslog messages received for them (${upToLast - last} duplicates)`);
  }, 300_000);
});

describe('SIEM settings', () => {
  it('need a CA file, paired client certificate files and a valid host', () => {
    const bad: Record<string, string>[] = [
      { NOTARY_SIEM_SYSLOG_HOST: 'siem.example' },
      { NOTARY_SIEM_SYSLOG_HOST: 'siem.example', NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert, NOTARY_SIEM_SYSLOG_CERT_FILE: pki.server.cert },
      { NOTARY_SIEM_SYSLOG_HOST: 'bad host', NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert },
      { NOTARY_SIEM_SYSLOG_HOST: 'siem.example', NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert, NOTARY_SIEM_SYSLOG_PORT: '0' },
      { NOTARY_SIEM_SYSLOG_HOST: 'siem.example', NOTARY_SIEM_SYSLOG_CA_FILE: '/nonexistent/ca.pem' },
      { NOTARY_SIEM_SYSLOG_HOST: 'siem.example', NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert, NOTARY_SIEM_HOSTNAME: 'has space' },
    ];
    for (const env of bad) {
      let caught: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(env)).toBeInstanceOf(ConfigError);
    }
    expect(loadConfig({}).siem).toBeUndefined();
    expect(loadConfig({ NOTARY_SIEM_SYSLOG_HOST: 'siem.example', NOTARY_SIEM_SYSLOG_CA_FILE: pki.ca.cert }).siem).toMatchObject({
      syslog: { port: 6514, facility: 13, serverName: 'siem.example' },
      pollMs: 500,
    });
    expect(() => loadConfig({ NOTARY_SIEM_OTLP_LOGS_URL: 'ftp://collector' })).toThrow(ConfigError);
    expect(loadConfig({ NOTARY_SIEM_OTLP_LOGS_URL: 'http://collector:4318/' }).siem).toMatchObject({
      otlp: { endpoint: 'http://collector:4318' },
    });
  });
});
