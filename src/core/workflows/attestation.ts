import type { KeySigner } from '../../ports/key-signer.js';
import { canonicalBytes } from '../canonical.js';
import type { CanonicalEvidence } from '../evidence.js';
import type { ApprovalDecision } from './types.js';
import { verifiesWithKey } from '../signature.js';

/**
 * Names what the attestation signature covers. It also separates domains: an attestation payload
 * can never pass as an evidence package (it lacks every required evidence field), and vice versa.
 */
export const ATTESTATION_TYPE = 'afdp.approval_attestation/v1';

/** RFC 8785 bytes of what the approvers authorized: this workflow signing this package. */
export function attestationPayload(workflowId: string, evidenceHash: string, approvals: ApprovalDecision[]): Buffer {
  return canonicalBytes({ type: ATTESTATION_TYPE, workflow_id: workflowId, evidence_package_hash: evidenceHash, approvals });
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a receipt's `approval_attestation` (when it has one): the signature verifies with one of our
 * key versions over exactly the payload, and the payload names this package, this receipt's workflow
 * and exactly the approvals the receipt lists. Returns the first problem, or null when all is well
 * or the receipt carries no attestation (a simple_sign receipt).
 */
export async function checkApprovalAttestation(
  evidence: CanonicalEvidence,
  receipt: Obj,
  signer: Pick<KeySigner, 'publicKey'>,
): Promise<string | null> {
  const att = receipt.approval_attestation;
  if (att === undefined || att === null)
    return receipt.approvals === undefined ? null : 'approvals are listed without an approval_attestation';
  if (!isObj(att) || typeof att.payload !== 'string' || typeof att.signature_b64 !== 'string' || typeof att.key_version !== 'number') {
    return 'approval_attestation: needs payload, signature_b64 and key_version';
  }
  const key = await signer.publicKey(att.key_version);
  if (!key) return `approval_attestation: key_version ${att.key_version} is not a key version of this notary`;
  const payload = Buffer.from(att.payload, 'utf8');
  if (!verifiesWithKey(payload, key.publicKeyPem, Buffer.from(att.signature_b64, 'base64')))
    return 'approval_attestation: signature does not verify';
  let claims: unknown;
  try {
    claims = JSON.parse(att.payload);
  } catch {
    return 'approval_attestation: payload is not JSON';
  }
  return checkClaims(claims, evidence, receipt);
}

function checkClaims(claims: unknown, evidence: CanonicalEvidence, receipt: Obj): string | null {
  if (!isObj(claims) || claims.type !== ATTESTATION_TYPE) return `approval_attestation: payload type is not ${ATTESTATION_TYPE}`;
  if (claims.evidence_package_hash !== evidence.hashHex) return 'approval_attestation: covers a different evidence package';
  if (claims.workflow_id !== receipt.workflow_id) return 'approval_attestation: covers a different workflow';
  const listed = canonicalBytes(receipt.approvals ?? null);
  if (!Array.isArray(claims.approvals) || claims.approvals.length === 0) return 'approval_attestation: lists no approvals';
  if (!listed.equals(canonicalBytes(claims.approvals))) return 'approvals differ from the ones the approval_attestation signs';
  return null;
}
