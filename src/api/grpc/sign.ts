import { currentPrincipal } from './call.js';
import type { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import { checkIdempotencyKey, MAX_WAIT_ANCHORED_MS } from '../../core/request-rules.js';
import type { ErrorContext } from './errors.js';
import { toRpcStatus } from './errors.js';
import { toRawPackage } from './evidence.js';
import { toReceiptMsg, workflowStatusName } from './present.js';
import type { EvidencePackageMsg, SignEvidenceResponseMsg } from './wire.js';

export interface SignInput {
  pkg: EvidencePackageMsg | undefined;
  path: string;
  idempotencyKey?: string;
  waitAnchoredMs?: number;
  /** ms before the caller's deadline: the anchor wait never runs past it */
  remainingMs: number;
  /** a stream item whose bytes the strict deserializer refused: answered with this error */
  refused?: NotaryError;
  /** the RPC, for the audit row committed with the notarization */
  method?: string;
}

/** proto3's "" is unset; anything else must be a key REST would accept too. */
export const idempotencyKeyOf = (value: string | undefined): string | undefined =>
  checkIdempotencyKey(value || undefined, 'idempotency_key');

/** REST bounds the body; here a message may hold a batch, so each package's canonical bytes are bounded (by the core, as it canonicalizes). */
export const sizeBound = (notary: Notary) => ({ maxCanonicalBytes: notary.limits.maxBodyBytes });

/** One package through the core, as every signing RPC does it. Throws core errors. */
export async function signOne(notary: Notary, input: SignInput): Promise<SignEvidenceResponseMsg> {
  if (input.refused) throw input.refused;
  const key = idempotencyKeyOf(input.idempotencyKey);
  const raw = toRawPackage(input.pkg, input.path, notary.limits.maxMetadataDepth);
  const evidence = notary.prepare(raw, input.path, sizeBound(notary));
  const waitAnchoredMs = Math.max(0, Math.min(input.waitAnchoredMs ?? 0, MAX_WAIT_ANCHORED_MS, input.remainingMs - 100));
  const audit = { door: 'grpc', method: input.method ?? 'SignEvidence' };
  const result = await notary.notarizePrepared(evidence, { idempotencyKey: key, waitAnchoredMs, principal: currentPrincipal(), audit });
  return {
    workflow_id: result.workflow.id,
    receipt: toReceiptMsg(result.receipt),
    status: workflowStatusName(result.workflow.status),
    replayed: result.replayed,
    warnings: result.warnings,
  };
}

/** For batch and stream items: a failure becomes this item's result instead of the call's status. */
export async function signItem(notary: Notary, input: SignInput, ctx: ErrorContext): Promise<SignEvidenceResponseMsg> {
  try {
    return await signOne(notary, input);
  } catch (err) {
    return { workflow_id: '', status: 'WORKFLOW_STATUS_FAILED', error: toRpcStatus(err, ctx) };
  }
}
