import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededDataDir } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';
import { uniquePackage } from '../support/records.js';
import { MAIN_JS } from '../support/service-process.js';

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

async function waitReady(url: string, proc: ReturnType<typeof startProcess>): Promise<void> {
  for (
    let i = 0;
    !(await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    // a first start creates the database: ~15 s on an idle 2-core machine, more when it is shared
    if (i > 450) {
      proc.child.kill('SIGTERM'); // a failed test leaves no service (and no database server) behind
      throw new Error(`not ready: ${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the service process', () => {
  it('drains in-flight requests on SIGTERM, then exits 0; a second signal changes nothing', async () => {
    const port = await freePort();
    const proc = startProcess({
      NOTARY_DATA_DIR: seededDataDir(),
      NOTARY_HTTP_PORT: String(port),
      NOTARY_GRPC_PORT: String(await freePort()),
    });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, proc);
    let firstAnswer!: () => void;
    const answered = new Promise<void>((r) => (firstAnswer = r));
    const inflight = Array.from({ length: 30 }, (_, i) =>
      fetch(`${url}/api/v1/evidence/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ evidence_package: uniquePackage(`drain-${i}`) }),
      }).then(
        (r) => (firstAnswer(), r.status),
        () => 'refused',
      ),
    );
    // the signal arrives while the server is working on the rest (a fixed delay was too short on a
    // loaded machine: nothing had reached the server yet)
    await answered;
    proc.child.kill('SIGTERM');
    proc.child.kill('SIGTERM');
    const statuses = await Promise.all(inflight);
    const code = await proc.exited;
    expect(code, proc.output().slice(-3000)).toBe(0);
    // every request that reached the server finished with a real answer, none was cut off
    expect(statuses.filter((s) => s !== 200 && s !== 503 && s !== 'refused')).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(proc.output()).toContain('stopped');
  }, 60_000);

  // SIGKILL under load, on the embedded server and on an external one: test/e2e/database-faults-sigkill.test.ts

  it('serves gRPC next to REST with authentication, metrics and the same core', async () => {
    const [port, grpcPort] = [await freePort(), await freePort()];
    const proc = startProcess({
      NOTARY_DATA_DIR: seededDataDir(),
      NOTARY_HTTP_PORT: String(port),
      NOTARY_GRPC_PORT: String(grpcPort),
      NOTARY_AUTH_MODE: 'required',
      NOTARY_ADMIN_TOKEN: 'process-admin-token',
      NOTARY_AUTH_FAILURE_WINDOW_MS: '1000', // failed authentications are written once per address and window
    });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, proc);
    const { connectNotary, toProtoPackage } = await import('../../src/api/grpc/index.js');
    const grpc = await import('@grpc/grpc-js');
    const client = connectNotary(`127.0.0.1:${grpcPort}`);
    try {
      const request = { evidence_package: toProtoPackage(uniquePackage('grpc-process')) };
      const refused = await client.unary('SignEvidence', request).catch((e: { code: number }) => e);
      expect((refused as { code: number }).code).toBe(grpc.status.UNAUTHENTICATED);
      const md = new grpc.Metadata();
      md.set('authorization', 'Bearer process-admin-token');
      const signed = await client.unary('SignEvidence', request, { metadata: md });
      expect(signed.receipt.evidence_package_hash).toMatch(/^[0-9a-f]{64}$/);
      // the authenticated caller is recorded, over gRPC as over REST
      const status = await (
        await fetch(`${url}/api/v1/workflows/${signed.workflow_id}/status`, { headers: { authorization: 'Bearer process-admin-token' } })
      ).json();
      expect(status.submitted_by).toBe('admin_token:bootstrap');
      // items signed on a stream are recorded under the stream's authenticated caller too
      const stream = client.stream({ metadata: md });
      const answer = new Promise<unknown>((res, rej) => {
        stream.on('data', res);
        stream.on('error', rej);
      });
      stream.write({ evidence_package: toProtoPackage(uniquePackage('grpc-process-stream')), request_id: 's1' });
      const streamed = await answer;
      stream.end();
      const streamedId = (streamed as { result?: { workflow_id: string } }).result?.workflow_id;
      const streamedStatus = await (
        await fetch(`${url}/api/v1/workflows/${streamedId}/status`, { headers: { authorization: 'Bearer process-admin-token' } })
      ).json();
      expect(streamedStatus.submitted_by).toBe('admin_token:bootstrap');
      // both gRPC calls are in the audit trail: the refused one and the evidence created
      let rows: { event: string; principal: string | null; details: { door?: string; doors?: { grpc?: number } } }[] = [];
      const grpcRow = (r: (typeof rows)[number]) => r.details.door === 'grpc' || r.details.doors?.grpc !== undefined;
      // the failure's row is written when its 1 s window closes, after the evidence rows (which commit with the evidence)
      const seen = () => ['auth.failure', 'evidence.created'].every((e) => rows.some((r) => grpcRow(r) && r.event === e));
      for (let i = 0; i < 100 && !seen(); i++) {
        await new Promise((r) => setTimeout(r, 100));
        rows =
          (await (await fetch(`${url}/api/v1/audit?page_size=100`, { headers: { authorization: 'Bearer process-admin-token' } })).json())
            .entries ?? [];
      }
      const grpcRows = rows.filter(grpcRow).map((r) => [r.event, r.principal]);
      expect(grpcRows).toEqual(
        expect.arrayContaining([
          ['auth.failure', null],
          ['evidence.created', 'admin_token:bootstrap'],
        ]),
      );
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(
        /grpc_server_handled_total\{grpc_service="afdp.notary.v1.NotaryService",grpc_method="SignEvidence",grpc_code="OK"\} 1/,
      );
      expect(metrics).toMatch(/grpc_server_handled_total\{[^}]*grpc_code="UNAUTHENTICATED"\} 1/);
    } finally {
      client.close();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
    expect(proc.output()).not.toContain('process-admin-token');
  }, 60_000);

  it('refuses to start on an invalid setting, naming the variable, with exit code 2', async () => {
    const proc = startProcess({ NOTARY_HTTP_PORT: 'eighty' });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('NOTARY_HTTP_PORT');
  }, 30_000);
});
