/** Response schemas of approval and batch workflows, built on the shared ones (which other doors edit). */
import { receiptSchema, workflowSchema } from './schemas.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const approvalDecisionSchema = {
  type: 'object',
  properties: { approver: str, decision: { type: 'string', enum: ['approve', 'reject'] }, comment: nullableStr, decided_at: str },
} as const;

export const approvalAttestationSchema = {
  type: 'object',
  properties: { payload: str, signature_b64: str, key_id: str, key_version: { type: 'integer' } },
} as const;

/** A receipt; an approval workflow's also carries its approvals and the attestation over them. */
export const approvalReceiptSchema = {
  ...receiptSchema,
  properties: {
    ...receiptSchema.properties,
    approvals: { type: 'array', items: approvalDecisionSchema },
    approval_attestation: approvalAttestationSchema,
  },
} as const;

const itemErrorSchema = { type: 'object', properties: { code: str, message: str, field: nullableStr } } as const;

export const batchSchema = {
  type: 'object',
  properties: {
    total: { type: 'integer' }, succeeded: { type: 'integer' }, failed: { type: 'integer' }, pending: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' }, status: { type: 'string', enum: ['pending', 'signed', 'failed'] },
          workflow_id: nullableStr, evidence_package_hash: nullableStr,
          receipt: { anyOf: [receiptSchema, { type: 'null' }] }, error: { anyOf: [itemErrorSchema, { type: 'null' }] },
        },
      },
    },
  },
} as const;

/** The status endpoint: the workflow plus, by type, its receipt (once signed) and its batch results. */
export const workflowDetailSchema = {
  ...workflowSchema,
  properties: { ...workflowSchema.properties, receipt: approvalReceiptSchema, batch: batchSchema },
} as const;
