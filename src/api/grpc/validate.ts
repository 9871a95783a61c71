import { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import type { ValidationReport } from '../../core/validate-receipt.js';
import { toRawPackage } from './evidence.js';
import { fromReceiptMsg, toValidationMsg } from './present.js';
import type { EvidencePackageMsg, NotarizationReceiptMsg } from './wire.js';

export interface ValidateRequest { evidence_package?: EvidencePackageMsg; signature?: string; receipt?: NotarizationReceiptMsg }

/**
 * With a receipt: the core's offline check, as REST does it. With only AFDP's `signature`: the
 * notary looks for the receipt it issued for this package with that signature, and checks that.
 */
export async function validateEvidence(notary: Notary, req: ValidateRequest) {
  const raw = toRawPackage(req.evidence_package, 'evidence_package', notary.limits.maxMetadataDepth);
  if (req.receipt) return toValidationMsg(await notary.validate(raw, fromReceiptMsg(req.receipt)));
  if (!req.signature) throw new NotaryError('invalid_request', 'receipt: is required (or, AFDP style, signature)', { field: 'receipt' });
  const receipt = await issuedReceipt(notary, notary.prepare(raw).hashHex, req.signature);
  return toValidationMsg(receipt ? await notary.validate(raw, receipt) : notIssued());
}

async function issuedReceipt(notary: Notary, hashHex: string, signatureB64: string) {
  const stored = await notary.getEvidence(hashHex).catch((err) => {
    if (err instanceof NotaryError && err.code === 'not_found') return undefined;
    throw err;
  });
  for (const id of stored?.workflow_ids ?? []) {
    const receipt = await notary.getReceipt(id);
    if (receipt.signature_b64 === signatureB64) return receipt as unknown as Record<string, unknown>;
  }
  return undefined;
}

const notIssued = (): ValidationReport => ({
  is_valid: false,
  validation_error: 'this notary issued no such signature for this evidence package',
  validation_result: { signature_valid: false, evidence_hash_valid: false, rekor_entry_valid: false, timestamp_valid: false, warnings: [] },
  checks: [],
});
