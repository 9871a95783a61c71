import { currentPrincipal } from './call.js';
import { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import type { ErrorContext } from './errors.js';
import { toRpcStatus } from './errors.js';
import { toRawPackage } from './evidence.js';
import { toReceiptMsg, workflowStatusName } from './present.js';
import type { EvidencePackageMsg, SignEvidenceResponseMsg } from './wire.js';

/** REST's bound on ?wait=anchored, for the same reason: a call must not hold a stream indefinitely. */
export const MAX_WAIT_ANCHORED_MS = 30_000;
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;

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
export function idempotencyKeyOf(value: string | undefined): string | undefined {
  const key = value || undefined;
  if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) {
    throw new NotaryError('invalid_request', 'idempotency_key must be 1-255 printable ASCII characters', { field: 'idempotency_key' });
  }
  return key;
}

/** One package through the core, as every signing RPC does it. Throws core errors. */
export async function signOne(notary: Notary, input: SignInput): Promise<SignEvidenceResponseMsg> {
  if (input.refused) throw input.refused;
  const key = idempotencyKeyOf(input.idempotencyKey);
  const raw = toRawPackage(input.pkg, input.path, notary.limits.maxMetadataDepth);
  const evidence = notary.prepare(raw, input.path);
  checkCanonicalSize(notary, evidence.canonical.length, input.path);
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

/** REST bounds the body; here the message may hold a batch, so each package's canonical bytes are bounded. */
export function checkCanonicalSize(notary: Notary, bytes: number, path: string): void {
  if (bytes > notary.limits.maxBodyBytes) {
    throw new NotaryError('payload_too_large', `${path}: canonical form is ${bytes} bytes, at most ${notary.limits.maxBodyBytes}`, { field: path });
  }
}

/**
 * The package as the JSON the workflow service takes, after the checks signOne makes (conversion,
 * validation, size). The service prepares it again: canonical JSON of one package is cheap next to
 * storing a workflow, and the size bound is this door's, not the core's.
 */
export function checkedRawPackage(notary: Notary, pkg: EvidencePackageMsg | undefined, path: string): Record<string, unknown> {
  const raw = toRawPackage(pkg, path, notary.limits.maxMetadataDepth);
  checkCanonicalSize(notary, notary.prepare(raw, path).canonical.length, path);
  return raw;
}

/** For batch and stream items: a failure becomes this item's result instead of the call's status. */
export async function signItem(notary: Notary, input: SignInput, ctx: ErrorContext): Promise<SignEvidenceResponseMsg> {
  try {
    return await signOne(notary, input);
  } catch (err) {
    return { workflow_id: '', status: 'WORKFLOW_STATUS_FAILED', error: toRpcStatus(err, ctx) };
  }
}
