import { NotaryError } from '../../core/errors.js';
import type { Notary } from '../../core/notary.js';
import { toRawPackage } from './evidence.js';
import { fromReceiptMsg, toValidationMsg } from './present.js';
import type { EvidencePackageMsg, NotarizationReceiptMsg } from './wire.js';

export interface ValidateRequest {
  evidence_package?: EvidencePackageMsg;
  signature?: string;
  receipt?: NotarizationReceiptMsg;
}

/**
 * With a receipt: the core's offline check, as REST does it. With only AFDP's `signature`: the
 * notary looks for the receipt it issued for this package with that signature, and checks that.
 */
export async function validateEvidence(notary: Notary, req: ValidateRequest) {
  const raw = toRawPackage(req.evidence_package, 'evidence_package', notary.limits.maxMetadataDepth);
  if (req.receipt) return toValidationMsg(await notary.validate(raw, fromReceiptMsg(req.receipt)));
  if (!req.signature) throw new NotaryError('invalid_request', 'receipt: is required (or, AFDP style, signature)', { field: 'receipt' });
  return toValidationMsg(await notary.validateSignature(raw, req.signature));
}
