import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifyBody } from '../../src/adapters/webhooks/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import { attestationPayload, checkApprovalAttestation, toNotification, type ApprovalDecision } from '../../src/core/workflows/index.js';
import { fixture } from '../support/records.js';
import { generateP256KeyPair } from '../../src/core/keys.js';

const { privateKey, publicKey } = generateP256KeyPair();
const signer = {
  publicKey: async (v: number) =>
    v === 1
      ? {
          keyId: 'k',
          version: 1,
          algorithm: 'ecdsa-p256' as const,
          publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          createdAt: '',
        }
      : undefined,
};
const evidence = prepareEvidence(fixture(), DEFAULT_LIMITS);
const approvals: ApprovalDecision[] = [{ approver: 'alice', decision: 'approve', comment: 'ok', decided_at: '2030-01-01T00:00:00.000Z' }];

function receipt(over: Record<string, unknown> = {}) {
  const payload = attestationPayload('wf-1', evidence.hashHex, approvals);
  return {
    workflow_id: 'wf-1',
    approvals,
    approval_attestation: {
      payload: payload.toString(),
      signature_b64: sign('sha256', payload, privateKey).toString('base64'),
      key_id: 'k',
      key_version: 1,
    },
    ...over,
  };
}

describe('approval attestation', () => {
  it('accepts a genuine attestation and ignores receipts without one', async () => {
    expect(await checkApprovalAttestation(evidence, receipt(), signer)).toBeNull();
    expect(await checkApprovalAttestation(evidence, { workflow_id: 'wf-1' }, signer)).toBeNull();
    expect(JSON.parse(receipt().approval_attestation.payload)).toEqual({
      type: 'afdp.approval_attestation/v1',
      workflow_id: 'wf-1',
      evidence_package_hash: evidence.hashHex,
      approvals,
    });
  });

  it('rejects edited approvals, another workflow, another package, a bad signature or an unknown key', async () => {
    const r = receipt();
    const cases: [string, Record<string, unknown>][] = [
      ['approvals differ', { approvals: [{ ...approvals[0], approver: 'mallory' }] }],
      ['different workflow', { workflow_id: 'wf-2' }],
      [
        'signature does not verify',
        { approval_attestation: { ...r.approval_attestation, payload: r.approval_attestation.payload.replace('alice', 'alicf') } },
      ],
      ['not a key version', { approval_attestation: { ...r.approval_attestation, key_version: 9 } }],
      ['without an approval_attestation', { approval_attestation: undefined }],
    ];
    for (const [msg, over] of cases) expect(await checkApprovalAttestation(evidence, receipt(over), signer)).toContain(msg);
    const other = prepareEvidence({ ...fixture(), metadata: { other: true } }, DEFAULT_LIMITS);
    expect(await checkApprovalAttestation(other, r, signer)).toContain('different evidence package');
  });
});

describe('webhook signature and body', () => {
  it('signs the raw body with HMAC-SHA256 and verifies in constant time', () => {
    const body = '{"event":"completed"}';
    const header = signBody('s3cret-s3cret-s3cret', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyBody('s3cret-s3cret-s3cret', body, header)).toBe(true);
    expect(verifyBody('s3cret-s3cret-s3cret', `${body} `, header)).toBe(false);
    expect(verifyBody('other-secret-other', body, header)).toBe(false);
    expect(verifyBody('s3cret-s3cret-s3cret', body, undefined)).toBe(false);
  });

  it('builds one notification per event with a stable id', () => {
    const workflow = {
      id: 'wf-1',
      type: 'approval_sign' as const,
      status: 'completed' as const,
      evidence_package_hash: 'h',
      created_at: 'c',
      updated_at: 'u',
      completed_at: 'u',
      error_message: null,
    };
    expect(toNotification(workflow, { kind: 'notify', event: 'completed', details: {} })).toEqual({
      id: 'wf-1:completed',
      event: 'completed',
      workflow_id: 'wf-1',
      workflow_type: 'approval_signing',
      status: 'completed',
      evidence_package_hash: 'h',
      error_message: null,
      occurred_at: 'u',
      details: {},
    });
  });
});
