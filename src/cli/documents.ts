/**
 * The evidence package and the receipt as the offline CLI reads them (and the console's Verify page,
 * which bundles this module: it imports nothing Node-only). Shape errors are InputErrors (exit 2):
 * they mean "wrong file", not "forged receipt".
 */
export class InputError extends Error {}

type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readEvidence(value: unknown, file: string): Obj {
  if (!isObject(value)) throw new InputError(`${file}: the evidence package must be a JSON object`);
  // A whole sign/validate request body is accepted too: its package is under evidence_package.
  return isObject(value.evidence_package) ? value.evidence_package : value;
}

/** A bare receipt, or the sign response `{workflow_id, status, receipt}` that wraps one. */
export function readReceipt(value: unknown, file: string): Obj {
  if (!isObject(value)) throw new InputError(`${file}: the receipt must be a JSON object`);
  const receipt = isObject(value.receipt) ? value.receipt : value;
  if (typeof receipt.evidence_package_hash !== 'string' || typeof receipt.signature_b64 !== 'string') {
    throw new InputError(`${file}: not a receipt (no evidence_package_hash / signature_b64)`);
  }
  return receipt;
}
