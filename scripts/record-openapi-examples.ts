/**
 * Records the OpenAPI examples (src/api/rest/openapi/recorded.json) from a real run of this service:
 * embedded defaults in a fresh temp folder, NOTARY_PUBLIC_URL=https://notary.example.com, AFDP's
 * documented model-deployment package (services/notary-service/examples/rest-api/model-deployment.sh).
 * Run again whenever a response shape changes: `npx tsx scripts/record-openapi-examples.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';

const OUT = join(import.meta.dirname, '../src/api/rest/openapi/recorded.json');

const evidencePackage = {
  spec_version: '1.0.0',
  timestamp_utc: '2025-07-23T10:00:00Z',
  event_type: 'model.deployment.completed',
  actor: { actor_type: 'human_user', id: 'deployer@caiatech.com', auth_provider: 'oauth2' },
  artifacts: [
    {
      name: 'fraud-detector-v3.pkl',
      uri: 's3://afdp-models/fraud-detector-v3.pkl',
      hash_sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    },
    {
      name: 'model-config.yaml',
      uri: 's3://afdp-models/fraud-detector-v3-config.yaml',
      hash_sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    },
  ],
  metadata: { model_id: 'fraud-detector-v3', version: '3.0.0', environment: 'production', replicas: 3 },
};

const dir = mkdtempSync(join(tmpdir(), 'notary-record-'));
const config = loadConfig({
  NOTARY_DATA_DIR: dir,
  NOTARY_HTTP_PORT: '0',
  NOTARY_PUBLIC_URL: 'https://notary.example.com',
  LOG_LEVEL: 'warn',
});
const app = await buildApp(config, createLogger(config.logLevel));
try {
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.rest.inject({ method, url, payload });
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  const json = async (method: 'GET' | 'POST', url: string, payload?: object) => (await call(method, url, payload)).json();
  const { receipt } = await json('POST', '/api/v1/evidence/sign', { evidence_package: evidencePackage });
  const batchResponse = await json('POST', '/api/v1/evidence/sign/batch', {
    evidence_packages: [
      { ...evidencePackage, event_type: 'model.training.completed', metadata: { model_id: 'model-a' } },
      { ...evidencePackage, spec_version: '2.0', event_type: 'model.training.completed', metadata: { model_id: 'model-b' } },
    ],
  });
  const approvalPending = await json('POST', '/api/v1/evidence/sign/approval', {
    evidence_package: { ...evidencePackage, event_type: 'model.deployment.production.approval_required' },
    approvers: ['security-lead@caiatech.com', 'compliance-officer@caiatech.com'],
    quorum: 1,
  });
  const approvalCompleted = await json('POST', `/api/v1/workflows/${approvalPending.workflow_id}/approvals`, {
    approver: 'security-lead@caiatech.com',
    decision: 'approve',
    comment: 'risk review done',
  });
  const recorded = {
    $comment:
      'Responses recorded from a real run of this service (embedded defaults, NOTARY_PUBLIC_URL=https://notary.example.com) signing ' +
      "AFDP's documented model-deployment package, by scripts/record-openapi-examples.ts; examples.ts builds the OpenAPI examples from them. " +
      '`tile` is the level-0 tile of the three entries, its bytes read as Latin-1.',
    evidencePackage,
    receipt,
    approvalPending,
    approvalCompleted,
    batchResponse,
    trustRoot: await json('GET', '/api/v1/trust-root'),
    logInfo: await json('GET', '/api/v1/log'),
    consistencyProof: await json('GET', '/api/v1/log/proof?firstSize=1&lastSize=2'),
    logEntry: await json('GET', `/api/v1/log/entries/${receipt.rekor_log_id}`),
    tile: (await call('GET', '/api/v1/log/tiles/tile/0/000.p/3')).rawPayload.toString('latin1'),
  };
  writeFileSync(OUT, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`wrote ${OUT}`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
