/**
 * The offline verifier, the very code `afdp-notary verify` runs (compiled into this package from
 * the service's src/cli and src/core at build): it trusts only the trust root and needs no network.
 */
export { verifyReceiptOffline, type CheckResult, type Verification } from '../../../src/cli/verify.js';
export { InputError, readEvidence, readReceipt, readTrustRoot, type TrustRoot } from '../../../src/cli/inputs.js';
