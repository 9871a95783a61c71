/**
 * Examples for the OpenAPI document, built from responses recorded from a real run of this service
 * (recorded.json: embedded defaults, NOTARY_PUBLIC_URL=https://notary.example.com, signing AFDP's
 * documented model-deployment package, services/notary-service/examples/rest-api/model-deployment.sh).
 * A test checks each one against the schema it illustrates.
 */
import recorded from './recorded.json' with { type: 'json' };

const {
  evidencePackage,
  receipt,
  approvalPending,
  approvalCompleted,
  batchResponse,
  trustRoot,
  logInfo,
  consistencyProof,
  logEntry,
  tile,
} = recorded;
const workflow = {
  workflow_id: receipt.workflow_id,
  workflow_type: 'simple_signing',
  status: 'completed',
  created_at: receipt.signed_at,
  completed_at: receipt.signed_at,
  error_message: null,
  evidence_package_hash: receipt.evidence_package_hash,
  updated_at: receipt.signed_at,
  submitted_by: null,
};

const storedEvidence = {
  evidence_package_hash: receipt.evidence_package_hash,
  evidence_package: evidencePackage,
  event_type: evidencePackage.event_type,
  actor_id: evidencePackage.actor.id,
  created_at: receipt.signed_at,
  workflow_ids: [workflow.workflow_id],
  submitted_by: null,
};
const apiKey = {
  id: '5b0f2d1e-8c57-4e0a-9f62-1d3c4b5a6e7f',
  name: 'ci-pipeline',
  roles: ['ai_engineer'],
  hint: 'afdp_3Kx9',
  created_at: '2026-11-24T09:00:00.000Z',
  created_by: 'admin-token',
  revoked_at: null,
  revoked_by: null,
};

export const EXAMPLES = {
  evidencePackage,
  receipt,
  signRequest: { evidence_package: evidencePackage },
  signResponse: { workflow_id: workflow.workflow_id, receipt, status: 'completed', warnings: [] },
  validateRequest: { evidence_package: evidencePackage, receipt },
  validateSignatureRequest: { evidence_package: evidencePackage, signature: receipt.signature_b64 },
  validateResponse: {
    is_valid: true,
    validation_error: null,
    validation_result: { signature_valid: true, evidence_hash_valid: true, rekor_entry_valid: true, timestamp_valid: true, warnings: [] },
  },
  storedEvidence,
  evidenceList: { evidence: [storedEvidence], next_page_token: null },
  approvalRequest: {
    evidence_package: { ...evidencePackage, event_type: 'model.deployment.production.approval_required' },
    approvers: ['security-lead@caiatech.com', 'compliance-officer@caiatech.com'],
    quorum: 1,
  },
  approvalPending,
  approvalStatus: approvalPending,
  decisionRequest: { approver: 'security-lead@caiatech.com', decision: 'approve', comment: 'risk review done' },
  approvalCompleted,
  batchRequest: {
    evidence_packages: [
      { ...evidencePackage, event_type: 'model.training.completed', metadata: { model_id: 'model-a' } },
      { ...evidencePackage, event_type: 'model.training.completed', metadata: { model_id: 'model-b' } },
    ],
  },
  batchResponse,
  workflowList: {
    workflows: [
      { ...workflow, event_type: evidencePackage.event_type, actor_id: evidencePackage.actor.id },
      {
        workflow_id: batchResponse.workflow_id,
        workflow_type: 'batch_signing',
        status: 'completed',
        created_at: batchResponse.created_at,
        completed_at: batchResponse.completed_at,
        error_message: null,
        evidence_package_hash: null,
        updated_at: batchResponse.updated_at,
        submitted_by: null,
        event_type: '',
        actor_id: '',
      },
    ],
    next_page_token: null,
    total_count: 2,
  },
  health: { status: 'healthy', timestamp: '2026-12-01T18:12:49.086Z', version: '0.1.0' },
  trustRoot,
  signingKey: { ...trustRoot.signing_keys[0], version: 2, created_at: '2026-12-01T19:00:00.000Z' },
  logInfo,
  logPublicKeyPem: trustRoot.transparency_log.public_key_pem,
  consistencyProof,
  logEntry,
  tile,
  apiKey,
  apiKeyCreated: { ...apiKey, api_key: 'afdp_3Kx9q2V7mYtR8wLpZ4nB6cD1eF0gH5jK' },
  auditPage: {
    entries: [
      {
        seq: 42,
        at: '2026-12-01T18:12:48.214Z',
        event: 'evidence.created',
        outcome: 'success',
        principal: null,
        details: {
          method: 'POST',
          route: '/api/v1/evidence/sign',
          request_id: 'a3c1e1f2-6c1b-4c55-9d8e-2f0b7e4d9a10',
          ip: '10.0.0.7',
          status: 200,
          workflow_id: workflow.workflow_id,
        },
        prev_hash: '5d7c0f3b1e2a4c6d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5',
        hash: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b',
      },
    ],
    next_page_token: '41',
  },
} satisfies Record<string, unknown>;
