import type { AccessRule, Permission } from '../../core/auth/index.js';
import { NOTARY_SERVICE } from './proto.js';

export interface MethodRule {
  permission: Permission;
  /** audit event written when the call ends (as the REST route that does the same); unset: not audited per call */
  audit?: string;
  /** on OK the audit row was committed with what the call created (core/notary.ts, the workflow service): no second row */
  committed?: boolean;
  /** the most items one call may carry (packages of a batch) */
  maxItems?: number;
}

/** AFDP's batch has no bound; ours is explicit so one call cannot hold the notary for long. */
export const MAX_BATCH_SIZE = 100;

const notary = (method: string) => `/${NOTARY_SERVICE}/${method}`;

/**
 * THE table of the gRPC door, the twin of REST's ROUTE_RULES: full method name → what the caller
 * needs and what is audited. HealthCheck (and grpc.health.v1 / reflection) stay open like /health.
 * A method missing here is denied when auth is on: add new methods here, nowhere else.
 */
export const METHOD_RULES: Readonly<Record<string, MethodRule | 'public'>> = {
  [notary('SignEvidence')]: { permission: 'evidence.create', audit: 'evidence.created', committed: true },
  [notary('SignEvidenceWithApproval')]: { permission: 'evidence.create', audit: 'evidence.approval_requested', committed: true },
  [notary('SignEvidenceBatch')]: {
    permission: 'evidence.create',
    audit: 'evidence.batch_created',
    committed: true,
    maxItems: MAX_BATCH_SIZE,
  },
  // each item's row commits with its notarization
  [notary('SignEvidenceStream')]: { permission: 'evidence.create' },
  [notary('GetWorkflowStatus')]: { permission: 'evidence.read', audit: 'evidence.read' },
  [notary('ValidateEvidence')]: { permission: 'evidence.read' },
  [notary('GetNotarizationReceipt')]: { permission: 'evidence.read', audit: 'evidence.read' },
  [notary('ListWorkflows')]: { permission: 'evidence.read', audit: 'evidence.read' },
  [notary('HealthCheck')]: 'public',
  '/grpc.health.v1.Health/Check': 'public',
  '/grpc.health.v1.Health/Watch': 'public',
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo': 'public',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': 'public',
};

export function methodRule(path: string): MethodRule | 'public' | undefined {
  return Object.hasOwn(METHOD_RULES, path) ? METHOD_RULES[path] : undefined;
}

export const accessRule = (rule: MethodRule | 'public' | undefined): AccessRule => (rule === 'public' ? 'public' : rule?.permission);

/** Calls outside the notary service (health, reflection) and public ones spend no budget and are never throttled. */
export const isPublicMethod = (path: string): boolean => methodRule(path) === 'public' || !path.startsWith(`/${NOTARY_SERVICE}/`);
