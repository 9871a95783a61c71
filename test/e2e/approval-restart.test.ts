import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { backends, backendEnv, skipBackend, seededDataDir } from '../support/databases.js';
import { validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { vaultEnv } from '../support/vault-fixture.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';
import { decide, requestApproval, signBatch } from '../support/workflow-http.js';

/** Workflows are rows: stopping the service between any two steps loses nothing. */
// How long a restarted service may take to finish what the stopped one left: a hang guard, under the
// 60 s signing lease so that a lease left held by the stopped process (a resume that only happens
// once the lease runs out) still fails. 10 s failed once in CI at load 16 on two cores.
const RESUME_WITHIN_MS = 30_000;

describe.each(backends)('workflows across restarts (%s)', (backend) => {
  let vault: VaultServer;
  let env: Record<string, string>;
  let app: TestApp | undefined;
  const restart = async () => {
    await app?.close();
    app = await startTestApp(env);
    return app;
  };
  beforeAll(async () => {
    if (skipBackend(backend)) return;
    vault = await startVaultServer();
    env = {
      NOTARY_DATA_DIR: seededDataDir(),
      ...vaultEnv(vault),
      NOTARY_WORKFLOW_POLL_MS: '50',
      ...(await backendEnv(backend)),
    };
  });
  afterAll(async () => {
    await app?.close();
    await vault?.close();
  });

  it.skipIf(skipBackend(backend))('keeps decisions when stopped between approvals', async () => {
    const pkg = uniquePackage(`restart-between-${backend}`);
    const { body } = await requestApproval((await restart()).rest, { evidence_package: pkg, approvers: ['alice', 'bob'] });
    await decide((await restart()).rest, body.workflow_id, { approver: 'alice', decision: 'approve', comment: 'ok' });
    const rest = (await restart()).rest;
    const status = (await rest.inject(`/api/v1/workflows/${body.workflow_id}/status`)).json();
    expect(status.approval_statuses[0]).toMatchObject({ approver: 'alice', status: 'approved', comment: 'ok' });
    expect((await decide(rest, body.workflow_id, { approver: 'alice', decision: 'approve' })).body.status).toBe('pending');
    const done = await decide(rest, body.workflow_id, { approver: 'bob', decision: 'approve' });
    expect(done.body.status).toBe('completed');
    const again = (await restart()).rest;
    expect((await validate(again, pkg, (await again.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json())).body.is_valid).toBe(
      true,
    );
  });

  it.skipIf(skipBackend(backend))('resumes an approval whose quorum was met while the signer was down, after a restart', async () => {
    const pkg = uniquePackage(`restart-running-${backend}`);
    const first = await restart();
    const { body } = await requestApproval(first.rest, { evidence_package: pkg, approvers: ['alice'] });
    vault.seal();
    const met = await decide(first.rest, body.workflow_id, { approver: 'alice', decision: 'approve' });
    expect(met.body.status).toBe('running'); // quorum met, not signed: nothing is lost, nothing is half-done
    expect((await first.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).statusCode).toBe(404);
    await first.close();
    vault.unseal();

    const second = await restart();
    await expect
      .poll(async () => (await second.rest.inject(`/api/v1/workflows/${body.workflow_id}/status`)).json().status, {
        timeout: RESUME_WITHIN_MS,
      })
      .toBe('completed');
    const receipt = (await second.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json();
    expect(receipt.approvals).toHaveLength(1);
    expect((await validate(second.rest, pkg, receipt)).body.is_valid).toBe(true);
  });

  it.skipIf(skipBackend(backend))('finishes a batch whose items could not be signed before the restart', async () => {
    const first = await restart();
    vault.seal();
    const packages = Array.from({ length: 3 }, (_, i) => uniquePackage(`restart-batch-${backend}-${i}`));
    const started = await signBatch(first.rest, { evidence_packages: [...packages, { bad: true }] });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', pending: 3, failed: 1 });
    expect(started.body.results.map((r: { status: string }) => r.status)).toEqual(['pending', 'pending', 'pending', 'failed']);
    await first.close();
    vault.unseal();

    const second = await restart();
    const url = `/api/v1/workflows/${started.body.batch_workflow_id}/status`;
    await expect.poll(async () => (await second.rest.inject(url)).json().status, { timeout: RESUME_WITHIN_MS }).toBe('completed');
    const { batch } = (await second.rest.inject(url)).json();
    expect(batch).toMatchObject({ succeeded: 3, failed: 1, pending: 0 });
    for (const [i, pkg] of packages.entries())
      expect((await validate(second.rest, pkg, batch.results[i].receipt)).body.is_valid).toBe(true);
  });
});
