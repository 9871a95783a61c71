export { matchReceiptBundle, type BundleMatch } from './match.js';
export { formatKeyHint, parseKeyHint, toSigstoreBundle, type BundleInput } from './to-bundle.js';
export {
  BUNDLE_V03_MEDIA_TYPE,
  type BundleInclusionProof,
  type BundleMessageSignature,
  type BundleTlogEntry,
  type BundleVerificationMaterial,
  type SigstoreBundle,
} from './types.js';
