import type { WorkflowStore } from '../../ports/workflow-store.js';
import { sha256 } from '../canonical.js';
import { NotaryError } from '../errors.js';
import type { CanonicalEvidence, EvidencePackage } from '../evidence.js';

/**
 * The evidence a resumed workflow signs: exactly the canonical bytes stored when it was created,
 * checked against the hash the workflow was created for.
 */
export async function loadEvidence(store: WorkflowStore, hashHex: string): Promise<CanonicalEvidence> {
  const canonical = await store.getCanonical(hashHex);
  if (!canonical) throw new NotaryError('internal', `evidence ${hashHex} of a running workflow is missing`);
  const digest = sha256(canonical);
  if (digest.toString('hex') !== hashHex) throw new NotaryError('internal', `stored evidence ${hashHex} does not hash to its key`);
  return { pkg: JSON.parse(canonical.toString('utf8')) as EvidencePackage, canonical, digest, hashHex };
}
