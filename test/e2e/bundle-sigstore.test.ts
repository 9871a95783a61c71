/**
 * The receipt's bundle, checked by sigstore-js's own verifier (@sigstore/verify) — not by our code —
 * with a trusted root that holds only this notary's log key and a key finder over the trust root.
 */
import { createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, VerificationError, type TrustMaterial } from '@sigstore/verify';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyHint, type SigstoreBundle } from '../../src/core/bundle/index.js';
import type { EvidencePackage } from '../../src/core/evidence.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sign, validate } from '../support/http.js';
import { fixtures, uniquePackage } from '../support/records.js';

interface TrustRootJson {
  signing_keys: { key_id: string; version: number; public_key_pem: string; created_at: string }[];
  transparency_log: { log_id: string; url: string; public_key_pem: string; origin: string };
}

const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');

/**
 * GET /api/v1/trust-root as a Sigstore trusted root (protobuf-specs sigstore_trustroot.proto JSON).
 * baseUrl is the checkpoint origin, as TransparencyLogInstance.base_url "SHOULD match the origin on
 * the log checkpoint": sigstore-js picks the checkpoint's log by testing baseUrl against the
 * signature's name, and our embedded log signs its checkpoints with the origin as the name.
 */
function trustMaterial(trust: TrustRootJson): TrustMaterial {
  const log = trust.transparency_log;
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: log.origin, hashAlgorithm: 'SHA2_256', logId: { keyId: Buffer.from(log.log_id, 'hex').toString('base64') },
      publicKey: { rawBytes: der(log.public_key_pem), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
    }],
    certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  });
  // the public-key hint `${key_id}:v${version}` names one version in the trust root
  return toTrustMaterial(root, (hint) => {
    const h = parseKeyHint(hint);
    const key = trust.signing_keys.find((k) => h && k.key_id === h.keyId && k.version === h.version);
    if (!key) throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `no key for hint ${hint}` });
    // integratedTime has whole seconds: the key is valid from the second it was created
    const from = Math.floor(Date.parse(key.created_at) / 1000) * 1000;
    return { publicKey: createPublicKey(key.public_key_pem), validFor: (date) => date.getTime() >= from };
  });
}

const flip = (b64: string, at = -1): string => {
  const buf = Buffer.from(b64, 'base64');
  buf[at < 0 ? buf.length + at : at]! ^= 1;
  return buf.toString('base64');
};

describe('receipt bundles verify with @sigstore/verify', () => {
  let app: TestApp;
  let trust: TrustRootJson;
  let verifier: Verifier;
  let pkg: EvidencePackage;
  let bundle: SigstoreBundle;
  const artifact = (p: unknown) => Buffer.from(canonicalize(p)!, 'utf8');
  const verify = (b: SigstoreBundle, p: unknown = pkg) => verifier.verify(toSignedEntity(bundleFromJSON(b), artifact(p)));
  const codeOf = (b: SigstoreBundle, p?: unknown): string => {
    try {
      verify(b, p);
      return 'accepted';
    } catch (err) {
      return err instanceof VerificationError ? err.code : String(err);
    }
  };

  beforeAll(async () => {
    app = await startTestApp();
    // a few entries first, so the proof under test has sibling hashes to tamper with
    for (const p of Object.values(fixtures())) await sign(app.rest, p);
    pkg = uniquePackage('sigstore');
    bundle = (await sign(app.rest, pkg)).body.receipt.bundle;
    trust = (await app.rest.inject('/api/v1/trust-root')).json();
    verifier = new Verifier(trustMaterial(trust));
  });
  afterAll(async () => app?.close());

  it('accepts every receipt the app issues: signature, hashedrekord body, SET, checkpoint and inclusion proof', async () => {
    expect(bundle.verificationMaterial.tlogEntries[0]!.inclusionProof.hashes.length).toBeGreaterThan(0);
    const signer = verify(bundle);
    expect(signer.key.export({ type: 'spki', format: 'pem' })).toBe(trust.signing_keys.at(-1)!.public_key_pem);
    for (const p of Object.values(fixtures())) {
      const { receipt } = (await sign(app.rest, p)).body;
      expect(codeOf(receipt.bundle, p)).toBe('accepted');
    }
  });

  it('rejects a changed byte in the evidence, signature, body, SET or proof', () => {
    const tampered = structuredClone(pkg);
    tampered.metadata = { ...tampered.metadata, test_run: 'other' };
    expect(codeOf(bundle, tampered)).toBe('SIGNATURE_ERROR');

    const edit = (fn: (b: SigstoreBundle) => void) => {
      const b = structuredClone(bundle);
      fn(b);
      return codeOf(b);
    };
    const tlog = (b: SigstoreBundle) => b.verificationMaterial.tlogEntries[0]!;
    expect(edit((b) => { b.messageSignature.signature = flip(b.messageSignature.signature); })).toBe('TLOG_BODY_ERROR');
    expect(edit((b) => { tlog(b).canonicalizedBody = flip(tlog(b).canonicalizedBody, 40); })).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    expect(edit((b) => { tlog(b).inclusionPromise.signedEntryTimestamp = flip(tlog(b).inclusionPromise.signedEntryTimestamp); })).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    expect(edit((b) => { tlog(b).inclusionProof.hashes[0] = flip(tlog(b).inclusionProof.hashes[0]!); })).toBe('TLOG_INCLUSION_PROOF_ERROR');
    expect(edit((b) => { tlog(b).inclusionProof.checkpoint.envelope = tlog(b).inclusionProof.checkpoint.envelope.replace(/\n\d+\n/, '\n999\n'); }))
      .toBe('TLOG_INCLUSION_PROOF_ERROR');
    expect(edit((b) => { b.verificationMaterial.publicKey.hint = 'afdp-notary-key:v99'; })).toBe('PUBLIC_KEY_ERROR');
  });

  it('rejects the bundle under another log or another signing key', async () => {
    const other = await startTestApp();
    try {
      const otherTrust: TrustRootJson = (await other.rest.inject('/api/v1/trust-root')).json();
      const wrongLog = new Verifier(trustMaterial({ ...trust, transparency_log: otherTrust.transparency_log }));
      expect(() => wrongLog.verify(toSignedEntity(bundleFromJSON(bundle), artifact(pkg)))).toThrow(expect.objectContaining({ code: 'TLOG_INCLUSION_PROMISE_ERROR' }));
      // same key id, version and dates, another key: only the signature check can tell
      const swapped = trust.signing_keys.map((k) => ({ ...k, public_key_pem: otherTrust.signing_keys[0]!.public_key_pem }));
      const wrongKey = new Verifier(trustMaterial({ ...trust, signing_keys: swapped }));
      expect(() => wrongKey.verify(toSignedEntity(bundleFromJSON(bundle), artifact(pkg)))).toThrow(expect.objectContaining({ code: 'SIGNATURE_ERROR' }));
    } finally {
      await other.close();
    }
  });

  it('is flagged by POST /api/v1/evidence/validate when it contradicts the receipt', async () => {
    const { receipt } = (await sign(app.rest, uniquePackage('validate-bundle'))).body;
    expect((await validate(app.rest, uniquePackage('validate-bundle'), receipt)).body.validation_result.warnings).toEqual([]);
    const b = structuredClone(receipt.bundle as SigstoreBundle);
    b.messageSignature.signature = flip(b.messageSignature.signature);
    const { body } = await validate(app.rest, uniquePackage('validate-bundle'), { ...receipt, bundle: b });
    expect(body.validation_result.warnings).toEqual([expect.stringMatching(/^bundle: bundle\.messageSignature\.signature differs/)]);
  });
});
