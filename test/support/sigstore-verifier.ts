/** sigstore-js's own verifier (@sigstore/verify) over the trust material `afdp-notary trust-root --sigstore` exports. */
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKey, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, VerificationError } from '@sigstore/verify';
import canonicalize from 'canonicalize';
import { toSigstoreTrustMaterial } from '../../src/core/bundle/trusted-root.js';
import type { SigstoreBundle } from '../../src/core/bundle/index.js';
import { readTrustRoot } from '../../src/cli/inputs.js';

type Json = Record<string, any>;

export const exportedTrust = (trustRoot: Json) => {
  const t = readTrustRoot(trustRoot, 'trust-root.json');
  return toSigstoreTrustMaterial(t.keys, t.log, t.timestampAuthorityInfos);
};

/** What a Sigstore user does with the export: TrustedRoot.fromJSON, and the keys as PublicKeys by hint. */
export function verifierFor(trustRoot: Json): Verifier {
  const { trustedRoot, keys } = exportedTrust(trustRoot);
  const publicKeys = Object.fromEntries(Object.entries(keys).map(([hint, k]) => [hint, PublicKey.fromJSON(k)]));
  return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot), publicKeys));
}

export const artifact = (p: unknown) => Buffer.from(canonicalize(p)!, 'utf8');

/** 'accepted', or the VerificationError code. */
export function sigstoreVerdict(verifier: Verifier, b: SigstoreBundle, p: unknown): string {
  try {
    verifier.verify(toSignedEntity(bundleFromJSON(b), artifact(p)));
    return 'accepted';
  } catch (err) {
    return err instanceof VerificationError ? err.code : String(err);
  }
}
