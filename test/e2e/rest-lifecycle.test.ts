import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { fixture, uniquePackage } from '../support/records.js';
import { sign, validate } from '../support/http.js';

describe('service lifecycle', () => {
  it('serves over a real socket', async () => {
    const app = await startTestApp();
    try {
      const address = await app.rest.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${address}/api/v1/evidence/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ evidence_package: fixture() }),
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.receipt.anchoring).toBe('anchored');
      expect((await fetch(`${address}/ready`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('keeps evidence, keys and the log across a restart on the same data dir', async () => {
    const dir = tempDir();
    const first = await startTestApp({ NOTARY_DATA_DIR: dir });
    const pkg = uniquePackage('restart');
    const { receipt } = (await sign(first.rest, pkg)).body;
    const rootBefore = (await first.rest.inject('/api/v1/log')).json();
    await first.close();

    const second = await startTestApp({ NOTARY_DATA_DIR: dir });
    try {
      expect((await second.rest.inject(`/api/v1/workflows/${receipt.workflow_id}/receipt`)).json()).toEqual(receipt);
      expect((await validate(second.rest, pkg, receipt)).body.is_valid).toBe(true);
      const next = (await sign(second.rest, uniquePackage('restart-2'))).body.receipt;
      expect(next.key_version).toBe(receipt.key_version);
      expect(next.log_index).toBe(receipt.log_index + 1);
      const proof = (
        await second.rest.inject(`/api/v1/log/proof?firstSize=${rootBefore.treeSize}&lastSize=${next.inclusion_proof.treeSize}`)
      ).json();
      expect(proof.hashes.length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('refuses to start with a wrong keyring passphrase, without leaking it', async () => {
    const dir = tempDir();
    const first = await startTestApp({ NOTARY_DATA_DIR: dir, NOTARY_KEYRING_PASSPHRASE: 'correct horse battery staple' });
    await first.close();
    const err = await startTestApp({ NOTARY_DATA_DIR: dir, NOTARY_KEYRING_PASSPHRASE: 'wrong passphrase value' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/NOTARY_KEYRING_PASSPHRASE/);
    expect((err as Error).message).not.toContain('wrong passphrase value');
  });
});

describe('metrics', () => {
  it('exposes request, signature and backlog metrics with bounded labels at /metrics', async () => {
    const app = await startTestApp();
    try {
      const { receipt } = (await sign(app.rest, uniquePackage('metrics'))).body;
      await app.rest.inject(`/api/v1/workflows/${receipt.workflow_id}/status`);
      await app.anchorer.runOnce();
      const text = (await app.rest.inject('/metrics')).body;
      expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/evidence\/sign",code="200"\} 1/);
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/workflows\/:id\/status",code="200"\} 1/);
      expect(text).toMatch(/notary_signatures_total\{backend="local",key_version="1"\} 1/);
      expect(text).toMatch(/notary_evidence_stored_total 1/);
      expect(text).toMatch(/notary_anchor_queue_depth 0/);
      expect(text).not.toContain(receipt.workflow_id);
    } finally {
      await app.close();
    }
  });
});

describe('metrics on a separate port', () => {
  it('serves /metrics only on NOTARY_METRICS_PORT and still counts API requests', async () => {
    const app = await startTestApp({ NOTARY_METRICS_PORT: '0' });
    try {
      await sign(app.rest, uniquePackage('metrics-port'));
      expect((await app.rest.inject('/metrics')).statusCode).toBe(404);
      const text = (await app.metricsServer!.inject('/metrics')).body;
      expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/evidence\/sign",code="200"\} 1/);
    } finally {
      await app.close();
    }
  });
});

describe('tracing off', () => {
  it('sends no traceparent and adds no trace ids when no OTLP endpoint is configured', async () => {
    const app = await startTestApp();
    try {
      const res = await app.rest.inject({
        method: 'POST',
        url: '/api/v1/evidence/sign',
        payload: { evidence_package: uniquePackage('untraced') },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers.traceparent).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('Pulsar door', () => {
  it('refuses to start with a clear message when PULSAR_SERVICE_URL is set but pulsar-client is not installed', async () => {
    const err = await startTestApp({ PULSAR_SERVICE_URL: 'pulsar://127.0.0.1:6650' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/pulsar-client/);
  });
});
