import type { HashName } from '../../core/signing-algorithm.js';
import type { EvidencePackage } from '../../core/evidence.js';
import type { PurgedEvidence, SignedWorkflow, StoredEvidence, Workflow, WorkflowStatus, WorkflowType } from '../../core/workflow.js';
import type { StoredAnchor, StoredSignature } from '../../ports/evidence-store.js';
import type { LogEntry } from '../../ports/transparency-log.js';
import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import { openBody, type BodyRow } from './evidence-body.js';

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export interface WorkflowRow {
  id: string;
  type: string;
  status: string;
  evidence_hash: string | null;
  created_at: unknown;
  updated_at: unknown;
  completed_at: unknown;
  error_message: string | null;
  submitted_by?: string | null;
}

export const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id,
  type: r.type as WorkflowType,
  status: r.status as WorkflowStatus,
  evidence_package_hash: r.evidence_hash,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  completed_at: isoOrNull(r.completed_at),
  error_message: r.error_message,
  // only when known: anonymous workflows look exactly as they did before submitted_by existed
  ...(r.submitted_by != null && { submitted_by: r.submitted_by }),
});

/** A workflow joined with its signature: it signed exactly one package, so its hash is set. */
export function toSignedWorkflow(r: WorkflowRow): SignedWorkflow {
  const w = toWorkflow(r);
  if (w.evidence_package_hash === null) throw new Error(`workflow ${w.id} has a signature but no evidence hash`);
  return w as SignedWorkflow;
}

export interface SignatureRow {
  key_id: string;
  key_version: number;
  signature: string; // base64
  public_key_pem: string;
  signed_at: unknown;
  digest_algorithm?: string | null;
  digest_hex?: string | null;
  // from signature_timestamps (LEFT JOIN) and signatures.timestamp_pending
  timestamp_pending?: boolean;
  ts_response?: string | null;
  ts_gen_time?: unknown;
  ts_url?: string | null;
}

export const toSignature = (r: SignatureRow): StoredSignature => ({
  keyId: r.key_id,
  keyVersion: Number(r.key_version),
  signature: Buffer.from(r.signature, 'base64'),
  publicKeyPem: r.public_key_pem,
  signedAt: iso(r.signed_at),
  ...(r.digest_algorithm && r.digest_hex && { signedDigest: { hash: r.digest_algorithm as HashName, hex: r.digest_hex } }),
  ...(r.ts_response
    ? { timestamp: { response: Buffer.from(r.ts_response, 'base64'), genTime: iso(r.ts_gen_time), tsaUrl: r.ts_url ?? '' } }
    : r.timestamp_pending
      ? { timestamp: 'pending' as const }
      : {}),
});

export const toAnchor = (r: { entry: unknown; log_url: string | null }): StoredAnchor | null =>
  r.log_url === null || r.entry === null ? null : { entry: json<LogEntry>(r.entry), logUrl: r.log_url };

export interface EvidenceRow extends BodyRow {
  event_type: string;
  actor_id: string;
  created_at: unknown;
  workflow_ids: string[] | null;
  submitted_by?: string | null;
}

export async function toEvidence(r: EvidenceRow, cipher: EvidenceCipher | undefined): Promise<StoredEvidence | PurgedEvidence> {
  const meta = {
    evidence_package_hash: r.hash,
    event_type: r.event_type,
    actor_id: r.actor_id,
    created_at: iso(r.created_at),
    workflow_ids: r.workflow_ids ?? [],
    ...(r.submitted_by != null && { submitted_by: r.submitted_by }),
  };
  const body = await openBody(cipher, r);
  return body === 'purged'
    ? { ...meta, purged_at: iso(r.body_purged_at) }
    : { ...meta, evidence_package: JSON.parse(body.toString('utf8')) as EvidencePackage };
}
