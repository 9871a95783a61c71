import type { InputLimits } from '../../../core/limits.js';
import { evidenceListSchema, evidenceSchemas, storedEvidenceSchema, validateResponseSchema, validationResultSchema } from './evidence.js';
import type { Schema } from './json.js';
import { problemSchema } from './problem.js';
import { bundleTlogEntrySchema, sigstoreBundleSchema } from './bundle.js';
import { approvalAttestationSchema, approvalDecisionSchema, inclusionProofSchema, receiptSchema } from './receipt.js';
import { healthSchema, logSchemas, readySchema, signingKeySchema, timestampAuthoritySchema, trustRootSchema } from './system.js';
import {
  approvalStatusSchema,
  batchItemSchema,
  batchResponseSchema,
  batchSummarySchema,
  itemErrorSchema,
  signResponseSchema,
  workflowListSchema,
  workflowStatusSchema,
  workflowSummarySchema,
} from './workflow.js';

export { errorResponses, authErrorResponses } from './problem.js';
export { CHECKED_BY_CORE, arrayOf, closed, dateTime, int, jsonResponse, nullable, ref, str, type Schema } from './json.js';
export { evidencePackageMember } from './evidence.js';

/** Every named schema of the REST API: added once to fastify, referenced as `Name#`, listed in the OpenAPI components. */
export function sharedSchemas(limits: InputLimits): Schema[] {
  return [
    problemSchema,
    inclusionProofSchema,
    bundleTlogEntrySchema,
    sigstoreBundleSchema,
    approvalDecisionSchema,
    approvalAttestationSchema,
    receiptSchema,
    ...evidenceSchemas(limits),
    storedEvidenceSchema,
    evidenceListSchema,
    validationResultSchema,
    validateResponseSchema,
    approvalStatusSchema,
    itemErrorSchema,
    batchItemSchema,
    batchSummarySchema,
    batchResponseSchema,
    workflowStatusSchema,
    workflowSummarySchema,
    workflowListSchema,
    signResponseSchema,
    signingKeySchema,
    timestampAuthoritySchema,
    trustRootSchema,
    healthSchema,
    readySchema,
    ...logSchemas,
  ];
}

export const hashParam = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
export const pageSize = { type: 'integer', minimum: 1, maximum: 100, default: 20 } as const;
export const pageToken = { type: 'string', maxLength: 512 } as const;
